"""Shared by the Salesforce tests: a tiny hand-built company and the sandbox's own view of it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pipelines.sandbox.company.model import Company, Versioned
from pipelines.sandbox.server import Sandbox
from tests.sandbox_helpers import HORIZON, NOW, START, single_vendor_company

# raw table -> Salesforce object
OBJECTS = {
    "accounts": "Account",
    "contacts": "Contact",
    "opportunities": "Opportunity",
    "users": "User",
}


def _sf_id(prefix: str, number: int) -> str:
    return f"{prefix}5g0000{number:06d}AAA"


WON = {
    "StageName": "Closed Won",
    "IsClosed": True,
    "IsWon": True,
    "Probability": 100,
    "ForecastCategoryName": "Closed",
}
Change = tuple[datetime, dict[str, Any]]


def _stamped(created: datetime, payload: dict[str, Any], changes: list[Change] = ()) -> Versioned:
    """A record whose creation and changes stamp LastModifiedDate and SystemModstamp."""
    stamp = {"CreatedDate": created, "LastModifiedDate": created, "SystemModstamp": created}
    record = Versioned(key=payload["Id"], created_at=created, payload={**payload, **stamp})
    for at, change in sorted(changes, key=lambda item: item[0]):
        record.add_change(at, {**change, "LastModifiedDate": at, "SystemModstamp": at})
    return record


def tiny_company(accounts: int = 300, contacts_per_account: int = 2, seed: int = 1) -> Company:
    """Enough rows for several pages at the minimum batch size (200), with edge cases:

    records sharing one SystemModstamp (ties at a page boundary), soft deletes (IsDeleted), a
    deactivated user, nulls, records created and changed after `now` (visible once the clock
    advances), and a user with no IsDeleted field at all (User has none).
    """
    users = []
    user_changes: dict[int, list[Change]] = {
        1: [(NOW - timedelta(days=3), {"IsActive": False})],
        2: [(NOW + timedelta(days=2), {"Title": "Sales Director"})],
    }
    for n in range(5):
        user = _stamped(
            START - timedelta(days=400 - n),
            {
                "Id": _sf_id("005", n),
                "Username": f"rep{n}@example.com",
                "Name": f"Rep {n}",
                "FirstName": "Rep",
                "LastName": str(n),
                "Email": f"rep{n}@example.com",
                "IsActive": True,
                "Title": "Account Executive" if n else None,
                "Department": "Sales",
            },
            user_changes.get(n, []),
        )
        users.append(user)

    tie = START + timedelta(days=100)
    account_rows, contact_rows, opportunity_rows = [], [], []
    for n in range(accounts):
        # Every 7th account shares the same instant: ties straddle the 200-row pages.
        spread = START + (NOW - START) * n / (accounts + 1)
        created = tie if n % 7 == 0 else spread.replace(microsecond=0)
        if n >= accounts - 10:
            created = NOW + timedelta(days=1, hours=n % 10)  # created after `now`
        changes: list[Change] = []
        if n % 11 == 0 and created < NOW:
            changes.append((created + timedelta(days=30), {"Type": "Customer - Direct"}))
        if n % 50 == 3 and created < NOW - timedelta(days=2):
            changes.append((NOW - timedelta(days=1, hours=n % 13), {"IsDeleted": True}))
        if n % 40 == 5 and created < NOW:
            changes.append((NOW + timedelta(days=3), {"Name": f"Account {n:04d} (renamed)"}))
        account = _stamped(
            created,
            {
                "Id": _sf_id("001", n),
                "Name": f"Account {n:04d}",
                "Type": "Prospect",
                "Industry": None if n % 5 == 0 else "Software",
                "Website": f"https://account{n}.example.com",
                "AnnualRevenue": float(n * 1000),
                "NumberOfEmployees": n + 1,
                "OwnerId": users[n % 5].payload["Id"],
                "ParentId": None,
                "BillingCountry": "DE",
                "Segment__c": ("SMB", "Mid-Market", "Enterprise")[n % 3],
                "IsDeleted": False,
            },
            changes,
        )
        account_rows.append(account)
        for c in range(contacts_per_account):
            contact = _stamped(
                created + timedelta(minutes=c),
                {
                    "Id": _sf_id("003", n * contacts_per_account + c),
                    "AccountId": account.payload["Id"],
                    "FirstName": f"First{c}",
                    "LastName": f"Last{n}",
                    "Email": f"c{c}@account{n}.example.com",
                    "Title": None,
                    "OwnerId": account.payload["OwnerId"],
                    "IsDeleted": False,
                },
                [(created + timedelta(days=2), {"IsDeleted": True})] if (n + c) % 37 == 0 else [],
            )
            contact_rows.append(contact)
        if n % 3 == 0:
            opportunity = _stamped(
                created + timedelta(hours=1),
                {
                    "Id": _sf_id("006", n),
                    "AccountId": account.payload["Id"],
                    "Name": f"Account {n:04d} - New Business",
                    "StageName": "Prospecting",
                    "Amount": 1200.0 * (n % 9 + 1),
                    "CloseDate": (created + timedelta(days=40)).date(),
                    "IsClosed": False,
                    "IsWon": False,
                    "Type": "New Business",
                    "Probability": 10,
                    "ForecastCategoryName": "Pipeline",
                    "OwnerId": account.payload["OwnerId"],
                    "Contract_Start_Date__c": date(2026, 1, 1),
                    "Contract_End_Date__c": date(2027, 1, 1),
                    "IsDeleted": False,
                },
                [(created + timedelta(days=40), WON)]
                if created + timedelta(days=40) < HORIZON
                else [],
            )
            opportunity_rows.append(opportunity)
    return single_vendor_company(
        "salesforce",
        {
            "User": users,
            "Account": account_rows,
            "Contact": contact_rows,
            "Opportunity": opportunity_rows,
        },
        seed=seed,
    )


def sandbox_rows(sandbox: Sandbox, sobject: str) -> dict[str, dict[str, Any]]:
    """What queryAll shows at the sandbox's clock, by Id: the expectation for raw tables."""
    return {row["Id"]: row for row in sandbox.company.visible("salesforce", sobject, sandbox.now)}
