"""One registry of employees, shared by every vendor.

An employee has one lower-cased e-mail that is the same in Slack, Zendesk (agents), Linear and
Salesforce (users), which is how the warehouse resolves people across sources. Which systems a
person has an account in follows their department. Each employee also carries the ids the
vendors give them, drawn here once so that every vendor module refers to the same person.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

from pipelines.sandbox.company import ids
from pipelines.sandbox.company.clock import START
from pipelines.sandbox.company.names import FIRST_NAMES, LAST_NAMES, ascii_slug

COMPANY_NAME = "Lumenor"
COMPANY_DOMAIN = "lumenor.io"

# Department -> (head count at scale 1, minimum at any scale, title).
DEPARTMENTS: dict[str, tuple[int, int, str]] = {
    "support": (34, 4, "Support Specialist"),
    "support_engineering": (6, 2, "Support Engineer"),
    "engineering": (45, 4, "Software Engineer"),
    "product": (8, 1, "Product Manager"),
    "sales": (18, 2, "Account Executive"),
    "success": (10, 1, "Customer Success Manager"),
    "operations": (20, 1, "Operations"),
}
ZENDESK_DEPARTMENTS = {"support", "support_engineering"}
LINEAR_DEPARTMENTS = {"support", "support_engineering", "engineering", "product"}
SALESFORCE_DEPARTMENTS = {"sales", "success"}
_ZONES = (
    ("America/New_York", 0.5),
    ("America/Los_Angeles", 0.15),
    ("Europe/London", 0.2),
    ("Europe/Berlin", 0.12),
    ("Asia/Tokyo", 0.03),
)


@dataclass
class Employee:
    index: int
    first_name: str
    last_name: str
    email: str
    department: str
    title: str
    time_zone: str
    hired_at: datetime
    left_at: datetime | None
    slack_id: str
    linear_id: str | None
    zendesk_id: int | None
    salesforce_id: str | None
    is_admin: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def active_at(self, at: datetime) -> bool:
        return self.hired_at <= at and (self.left_at is None or at < self.left_at)


class People:
    def __init__(self, employees: list[Employee]) -> None:
        self.employees = employees
        # Who is employed only changes at hires and departures: cache the answer per stretch.
        self._instants = sorted(
            {e.hired_at for e in employees} | {e.left_at for e in employees if e.left_at}
        )
        self._active: dict[tuple[int, int], tuple[list[Employee], list[Employee]]] = {}

    def in_department(self, *departments: str) -> list[Employee]:
        return [e for e in self.employees if e.department in departments]

    def active(self, people: list[Employee], at: datetime) -> list[Employee]:
        """Those of `people` employed at `at` (everyone hired by then when nobody is)."""
        key = (id(people), bisect_right(self._instants, at))
        # The cache holds the list itself, so its id cannot be reused by another list.
        cached = self._active.get(key)
        if cached is None:
            current = [e for e in people if e.active_at(at)]
            cached = (people, current or [e for e in people if e.hired_at <= at] or people)
            self._active[key] = cached
        return cached[1]


def head_count(department: str, scale: float) -> int:
    full, minimum, _ = DEPARTMENTS[department]
    return max(minimum, round(full * scale))


def unique_email(local: str, domain: str, taken: set[str]) -> str:
    email, suffix = f"{local}@{domain}", 2
    while email in taken:
        email, suffix = f"{local}{suffix}@{domain}", suffix + 1
    taken.add(email)
    return email


def build_people(seed: int, scale: float) -> People:
    rng = random.Random(f"{seed}:people")
    taken: set[str] = set()
    employees: list[Employee] = []
    zendesk_ids = ids.Sequence(361_000_000_100, step_max=40, rng=rng)
    salesforce_numbers = ids.Sequence(9_000_000, step_max=500, rng=rng)
    for department, (_, _, title) in DEPARTMENTS.items():
        for position in range(head_count(department, scale)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = unique_email(f"{ascii_slug(first)}.{ascii_slug(last)}", COMPANY_DOMAIN, taken)
            # Most people were there before the simulated year; some join or leave during it.
            joined_late = position > 0 and rng.random() < 0.12
            hired_at = (
                START + timedelta(days=rng.uniform(10, 330))
                if joined_late
                else START - timedelta(days=rng.uniform(30, 1500))
            )
            leaves = position > 1 and not joined_late and rng.random() < 0.06
            left_at = START + timedelta(days=rng.uniform(60, 340)) if leaves else None
            employees.append(
                Employee(
                    index=len(employees),
                    first_name=first,
                    last_name=last,
                    email=email,
                    department=department,
                    title=title if position else f"Head of {department.replace('_', ' ').title()}",
                    time_zone=rng.choices([z for z, _ in _ZONES], [w for _, w in _ZONES])[0],
                    hired_at=hired_at.replace(microsecond=0),
                    left_at=left_at.replace(microsecond=0) if left_at else None,
                    slack_id=ids.slack_id(rng, "U"),
                    linear_id=ids.linear_id(rng) if department in LINEAR_DEPARTMENTS else None,
                    zendesk_id=zendesk_ids() if department in ZENDESK_DEPARTMENTS else None,
                    salesforce_id=ids.salesforce_id("User", salesforce_numbers())
                    if department in SALESFORCE_DEPARTMENTS
                    else None,
                    is_admin=position == 0,
                )
            )
    return People(employees)
