"""Salesforce: accounts (customers and prospects), contacts, owners and opportunities.

Customers hold one 12-month contract at a time, sold by a closed-won opportunity whose
`Contract_Start_Date__c`/`Contract_End_Date__c` bound it; renewals and expansions are further
opportunities. `Amount` is the annual value, so an account's ARR at an instant is the sum of
`Amount` over its won, non-deleted opportunities whose contract contains that instant.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from pipelines.sandbox.company import ids
from pipelines.sandbox.company.clock import HORIZON, START, whole_seconds
from pipelines.sandbox.company.model import Versioned
from pipelines.sandbox.company.names import (
    COMPANY_KINDS,
    COMPANY_PARTS,
    COMPANY_SUFFIXES,
    COUNTRIES,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    ascii_slug,
)
from pipelines.sandbox.company.people import Employee, People, unique_email
from pipelines.sandbox.company.records import build, salesforce_stamp

ACCOUNTS_AT_SCALE_1 = 1500
CUSTOMERS_AT_SCALE_1 = 500
# Segment -> (share of customers, employees range, annual contract value range).
SEGMENTS = {
    "Enterprise": (0.12, (1000, 50000), (60_000, 400_000)),
    "Mid-Market": (0.32, (200, 1000), (15_000, 60_000)),
    "SMB": (0.56, (5, 200), (2_400, 15_000)),
}
# Stage -> (probability, forecast category), in pipeline order.
STAGES = {
    "Prospecting": (10, "Pipeline"),
    "Qualification": (20, "Pipeline"),
    "Proposal/Price Quote": (50, "Best Case"),
    "Negotiation/Review": (80, "Commit"),
    "Closed Won": (100, "Closed"),
    "Closed Lost": (0, "Omitted"),
}
CONTRACT_DAYS = 365


@dataclass
class Contact:
    id: str
    account_id: str
    first_name: str
    last_name: str
    email: str
    created_at: datetime
    deleted_at: datetime | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Contract:
    """A won opportunity: its annual amount and the contract period [start, end)."""

    opportunity_id: str
    account_id: str
    kind: str
    amount: float
    start: date
    end: date
    won_at: datetime
    deleted_at: datetime | None = None

    def active_at(self, at: datetime) -> bool:
        day = at.date()
        alive = self.deleted_at is None or at < self.deleted_at
        return self.won_at <= at and self.start <= day < self.end and alive


@dataclass
class Account:
    id: str
    name: str
    domain: str | None
    website: str | None
    segment: str
    is_customer: bool
    owner: Employee
    created_at: datetime
    contacts: list[Contact] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    parent_id: str | None = None
    deleted_at: datetime | None = None


@dataclass
class SalesforceWorld:
    accounts: list[Account]
    tables: dict[str, list[Versioned]]
    facts: dict[str, object]

    def customers(self) -> list[Account]:
        return [a for a in self.accounts if a.is_customer]


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours instant on `day` (UTC, whole seconds)."""
    return datetime.combine(day, time(13), UTC) + timedelta(seconds=rng.randrange(8 * 3600))


class _Builder:
    def __init__(self, seed: int, people: People) -> None:
        self.rng = random.Random(f"{seed}:salesforce")
        self.owners = people.in_department("sales", "success")
        self.people = people
        self.numbers = {
            name: ids.Sequence(1_000_000 * (n + 1), 7, self.rng)
            for n, name in enumerate(("Account", "Contact", "Opportunity"))
        }
        self.opportunities: list[Versioned] = []
        self.contacts: list[Versioned] = []
        self.taken_domains: set[str] = set()
        self.taken_emails: set[str] = set()

    def new_id(self, sobject: str) -> str:
        return ids.salesforce_id(sobject, self.numbers[sobject]())

    def owner_at(self, at: datetime) -> Employee:
        return self.rng.choice(self.people.active(self.owners, at))

    def account(self, is_customer: bool, segment: str) -> Account:
        rng = self.rng
        base = f"{rng.choice(COMPANY_PARTS)} {rng.choice(COMPANY_KINDS)}"
        domain = f"{ascii_slug(base.replace(' ', ''))}.{rng.choice(('com', 'io', 'co', 'net'))}"
        while domain in self.taken_domains:
            domain = f"{ascii_slug(base.replace(' ', ''))}{rng.randrange(2, 99)}.com"
        self.taken_domains.add(domain)
        name = f"{base} {rng.choice(COMPANY_SUFFIXES)}".strip()
        created = (
            START - timedelta(days=rng.uniform(200, 1400))
            if is_customer or rng.random() < 0.6
            else START + timedelta(days=rng.uniform(0, (HORIZON - START).days - 1))
        )
        website = rng.choice(
            (f"https://www.{domain}", f"https://{domain}/", f"http://www.{domain}")
        )
        return Account(
            id=self.new_id("Account"),
            name=name,
            domain=domain,
            website=None if rng.random() < 0.08 else website,
            segment=segment,
            is_customer=is_customer,
            owner=self.owner_at(created),
            created_at=created.replace(microsecond=0),
        )

    def add_contacts(self, account: Account) -> None:
        rng = self.rng
        count = {"Enterprise": (6, 14), "Mid-Market": (3, 8), "SMB": (1, 4)}[account.segment]
        count = count if account.is_customer else (1, 2)
        for _ in range(rng.randint(*count)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            # Some people use a personal address, which matches no account domain.
            domain = "gmail.com" if rng.random() < 0.04 else account.domain
            local = f"{ascii_slug(first)}.{ascii_slug(last)}"
            created = account.created_at + timedelta(days=rng.uniform(0, 300))
            if created > HORIZON:
                created = account.created_at
            contact = Contact(
                id=self.new_id("Contact"),
                account_id=account.id,
                first_name=first,
                last_name=last,
                email=unique_email(local, str(domain), self.taken_emails),
                created_at=created.replace(microsecond=0),
            )
            if rng.random() < 0.01:
                contact.deleted_at = min(
                    HORIZON, whole_seconds(contact.created_at + timedelta(days=rng.uniform(5, 200)))
                )
            account.contacts.append(contact)

    def opportunity(
        self,
        account: Account,
        kind: str,
        amount: float,
        close: datetime,
        won: bool,
        start: date | None = None,
        end: date | None = None,
    ) -> Contract | None:
        """One opportunity walking the stages up to `close`; a Contract when won."""
        rng = self.rng
        opp_id = self.new_id("Opportunity")
        created = close - timedelta(days=rng.uniform(20, 120))
        created = max(created, account.created_at).replace(microsecond=0)
        owner = self.owner_at(created)
        start = start or (close + timedelta(days=rng.randint(0, 14))).date()
        end = end or start + timedelta(days=CONTRACT_DAYS)
        stage = "Prospecting"
        payload = {
            "Id": opp_id,
            "AccountId": account.id,
            "Name": f"{account.name} - {kind}",
            "StageName": stage,
            "Amount": amount,
            "CloseDate": close.date(),
            "IsClosed": False,
            "IsWon": False,
            "Type": kind,
            "Probability": STAGES[stage][0],
            "ForecastCategoryName": STAGES[stage][1],
            "OwnerId": owner.salesforce_id,
            "Contract_Start_Date__c": start,
            "Contract_End_Date__c": end,
            "CreatedDate": created,
            "IsDeleted": False,
        }
        changes = []
        open_stages = list(STAGES)[1:4]
        steps = sorted(created + (close - created) * rng.random() for _ in open_stages)
        for step_at, step in zip(steps, open_stages, strict=True):
            changes.append((step_at.replace(microsecond=0), _stage(step)))
        final = "Closed Won" if won else "Closed Lost"
        changes.append((close, {**_stage(final), "IsClosed": True, "IsWon": won}))
        if rng.random() < 0.1:  # amount renegotiated before close
            changes.append((steps[-1].replace(microsecond=0), {"Amount": round(amount * 0.9, -2)}))
            amount = round(amount * 0.9, -2)
        record = build(opp_id, created, payload, changes, salesforce_stamp)
        self.opportunities.append(record)
        return Contract(opp_id, account.id, kind, amount, start, end, close) if won else None


def _stage(stage: str) -> dict[str, object]:
    probability, category = STAGES[stage]
    return {"StageName": stage, "Probability": probability, "ForecastCategoryName": category}


def _segment_draw(rng: random.Random) -> str:
    return rng.choices(list(SEGMENTS), [share for share, _, _ in SEGMENTS.values()])[0]


def build_salesforce(seed: int, scale: float, people: People) -> SalesforceWorld:
    b = _Builder(seed, people)
    rng = b.rng
    n_accounts = max(8, round(ACCOUNTS_AT_SCALE_1 * scale))
    n_customers = max(4, round(CUSTOMERS_AT_SCALE_1 * scale))
    accounts = [b.account(i < n_customers, _segment_draw(rng)) for i in range(n_accounts)]
    for position, account in enumerate(accounts):
        b.add_contacts(account)
        # Every 50th customer's first deal was entered twice (the copy gets deleted).
        _sell(b, account, duplicate=account.is_customer and position % 50 == 0)
    facts = _dirty_accounts(b, accounts)
    tables = {
        "User": [_user_record(e) for e in b.owners],
        "Account": [_account_record(b, a) for a in accounts],
        "Contact": [_contact_record(b, c, a) for a in accounts for c in a.contacts],
        "Opportunity": b.opportunities,
    }
    return SalesforceWorld(accounts, tables, facts)


def _sell(b: _Builder, account: Account, duplicate: bool) -> None:
    """Opportunities: a customer's first deal, renewals and expansions; prospects' attempts."""
    rng = b.rng
    low, high = SEGMENTS[account.segment][2]
    amount = round(rng.uniform(low, high), -2)
    if not account.is_customer:
        if rng.random() < 0.4:
            close = _at((START + timedelta(days=rng.uniform(-200, 380))).date(), rng)
            b.opportunity(
                account,
                "New Business",
                amount,
                max(close, account.created_at + timedelta(days=21)),
                won=False,
            )
        return
    # 70% were customers before the year; the rest are won during it (more later: growth).
    if rng.random() < 0.7:
        first_close = _at((START - timedelta(days=rng.uniform(1, CONTRACT_DAYS - 1))).date(), rng)
    else:
        first_close = _at((START + timedelta(days=330 * rng.random() ** 0.8)).date(), rng)
    first_close = max(first_close, account.created_at + timedelta(days=30))
    contract = b.opportunity(account, "New Business", amount, first_close, won=True)
    assert contract is not None
    account.contracts.append(contract)
    if duplicate:  # the deal entered twice by mistake; the copy is deleted later
        copy = b.opportunity(
            account, "New Business", amount, first_close, True, contract.start, contract.end
        )
        assert copy is not None
        copy.deleted_at = (first_close + timedelta(days=rng.uniform(1, 20))).replace(microsecond=0)
        deletion = {"IsDeleted": True, **salesforce_stamp(copy.deleted_at)}
        b.opportunities[-1].add_change(copy.deleted_at, deletion)
        account.contracts.append(copy)
    while contract.end <= HORIZON.date() + timedelta(days=60):
        renew_close = _at(contract.end - timedelta(days=rng.randint(1, 20)), rng)
        if renew_close > HORIZON:
            break
        renews = rng.random() < 0.86
        next_amount = round(contract.amount * rng.uniform(1.0, 1.15), -2)
        renewal = b.opportunity(
            account,
            "Renewal",
            next_amount,
            renew_close,
            renews,
            start=contract.end,
            end=contract.end + timedelta(days=CONTRACT_DAYS),
        )
        if renewal is None:
            break
        account.contracts.append(renewal)
        contract = renewal
    if rng.random() < 0.2:
        base = account.contracts[-1]
        close = _at(base.start + timedelta(days=rng.randint(60, 250)), rng)
        if close < min(HORIZON, datetime.combine(base.end, time(), UTC)):
            expansion = b.opportunity(
                account,
                "Expansion",
                round(base.amount * rng.uniform(0.1, 0.4), -2),
                close,
                True,
                start=close.date(),
                end=base.end,
            )
            if expansion:
                account.contracts.append(expansion)


def _dirty_accounts(b: _Builder, accounts: list[Account]) -> dict[str, object]:
    """Parents, look-alike accounts sharing a domain, and a few deleted records."""
    rng = b.rng
    customers = [a for a in accounts if a.is_customer]
    prospects = [a for a in accounts if not a.is_customer]
    enterprises = [a for a in customers if a.segment == "Enterprise"] or customers
    for child in rng.sample(prospects, min(len(prospects) // 40 + 1, len(prospects))):
        child.parent_id = rng.choice(enterprises).id
    # A prospect that shares a customer's website: domain matching cannot tell them apart.
    shared_domain = []
    for customer in rng.sample(customers, max(1, len(customers) // 60)):
        twin = rng.choice(prospects)
        if twin.parent_id is None and twin.domain != customer.domain and customer.website:
            twin.domain, twin.website = customer.domain, customer.website
            twin.name = f"{customer.name.split(' ')[0]} {customer.name.split(' ')[1]} (EMEA)"
            shared_domain.append(
                {"customer": customer.id, "lookalike": twin.id, "domain": customer.domain}
            )
    deleted = []
    for prospect in rng.sample(prospects, max(1, len(prospects) // 200)):
        if prospect.parent_id is None and all(prospect.id != s["lookalike"] for s in shared_domain):
            prospect.deleted_at = min(
                HORIZON,
                whole_seconds(
                    max(prospect.created_at, START) + timedelta(days=rng.uniform(10, 390))
                ),
            )
            deleted.append(prospect.id)
    return {"shared_domain_accounts": shared_domain, "deleted_accounts": deleted}


def _user_record(e: Employee) -> Versioned:
    created = e.hired_at
    payload = {
        "Id": e.salesforce_id,
        "Username": e.email,
        "Name": e.name,
        "FirstName": e.first_name,
        "LastName": e.last_name,
        "Email": e.email,
        "IsActive": True,
        "Title": e.title,
        "Department": e.department.title(),
        "CreatedDate": created,
    }
    changes = [(e.left_at, {"IsActive": False})] if e.left_at else []
    return build(e.salesforce_id, created, payload, changes, salesforce_stamp)


def _account_record(b: _Builder, a: Account) -> Versioned:
    rng = b.rng
    employees = rng.randint(*SEGMENTS[a.segment][1])
    payload = {
        "Id": a.id,
        "Name": a.name,
        "Type": "Prospect",
        "Industry": rng.choice(INDUSTRIES),
        "Website": a.website,
        "AnnualRevenue": float(employees * rng.randint(80, 300) * 1000),
        "NumberOfEmployees": employees,
        "OwnerId": a.owner.salesforce_id,
        "ParentId": a.parent_id,
        "BillingCountry": rng.choice(COUNTRIES),
        "Segment__c": a.segment,
        "CreatedDate": a.created_at,
        "IsDeleted": False,
    }
    changes: list[tuple[datetime, dict[str, object]]] = []
    for contract in a.contracts:
        if contract.kind == "New Business":
            changes.append((max(contract.won_at, a.created_at), {"Type": "Customer - Direct"}))
    last = a.contracts[-1] if a.contracts else None
    if last and last.end < HORIZON.date():
        churned = datetime.combine(last.end, time(9), UTC)
        changes.append((max(churned, a.created_at), {"Type": "Former Customer"}))
    # Owners change hands; some records get touched without any visible change.
    for _ in range(rng.choice((0, 0, 1, 2))):
        at = a.created_at + (HORIZON - a.created_at) * rng.random()
        new_owner = b.owner_at(at)
        changes.append((at.replace(microsecond=0), {"OwnerId": new_owner.salesforce_id}))
    if a.deleted_at:
        changes.append((a.deleted_at, {"IsDeleted": True}))
    return build(a.id, a.created_at, payload, changes, salesforce_stamp)


_TITLES = ("VP Engineering", "IT Manager", "Head of Support", "Data Analyst", "CTO", "Admin")


def _contact_record(b: _Builder, c: Contact, a: Account) -> Versioned:
    rng = b.rng
    payload = {
        "Id": c.id,
        "AccountId": a.id,
        "FirstName": c.first_name,
        "LastName": c.last_name,
        "Email": c.email,
        "Title": None if rng.random() < 0.3 else rng.choice(_TITLES),
        "OwnerId": a.owner.salesforce_id,
        "CreatedDate": c.created_at,
        "IsDeleted": False,
    }
    changes: list[tuple[datetime, dict[str, object]]] = []
    if rng.random() < 0.15:  # people change roles during the year
        end = c.deleted_at or HORIZON
        promoted = whole_seconds(c.created_at + (end - c.created_at) * rng.random())
        if promoted > c.created_at:
            changes.append((promoted, {"Title": rng.choice(_TITLES)}))
    if c.deleted_at:
        changes.append((c.deleted_at, {"IsDeleted": True}))
    return build(c.id, c.created_at, payload, changes, salesforce_stamp)
