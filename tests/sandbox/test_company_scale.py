"""Sizes at scale 1 (the demo's default) within ±20% of the brief, linear in scale, fast enough."""

from __future__ import annotations

import time

import pytest

from pipelines.sandbox.company import build_company

# Entity -> expected count visible at `now` at scale 1 (from the description).
EXPECTED = {
    ("salesforce", "Account"): 1_500,
    ("zendesk", "tickets"): 10_000,
    ("linear", "issues"): 2_000,
    ("slack", "messages"): 100_000,
    ("slack", "channels"): 40,
}
LINEAR_IN_SCALE = [
    ("salesforce", "Account"),
    ("salesforce", "Contact"),
    ("zendesk", "tickets"),
    ("zendesk", "organizations"),
    ("linear", "issues"),
    ("slack", "messages"),
]


@pytest.fixture(scope="module")
def full_company():
    started = time.process_time()
    company = build_company(seed=42, scale=1.0)
    company.facts["cpu_seconds"] = time.process_time() - started
    return company


def _count(company, vendor, entity):
    return sum(1 for r in company.records(vendor, entity) if r.exists_at(company.now))


def test_scale_one_generates_in_under_15_cpu_seconds(full_company):
    assert full_company.facts["cpu_seconds"] < 15


@pytest.mark.parametrize("vendor,entity", list(EXPECTED))
def test_sizes_at_scale_one(full_company, vendor, entity):
    expected = EXPECTED[(vendor, entity)]
    assert 0.8 * expected <= _count(full_company, vendor, entity) <= 1.2 * expected


def test_customers_and_agents_at_scale_one(full_company):
    now = full_company.now
    won = {
        o["AccountId"]
        for r in full_company.records("salesforce", "Opportunity")
        if (o := r.state_at(now)) and o["IsWon"] and not o["IsDeleted"]
    }
    assert 400 <= len(won) <= 600
    agents = [
        r for r in full_company.records("zendesk", "users") if r.payload["role"] != "end-user"
    ]
    assert 32 <= len(agents) <= 48


@pytest.mark.parametrize("vendor,entity", LINEAR_IN_SCALE)
def test_counts_are_linear_in_scale(full_company, medium_company, vendor, entity):
    ratio = _count(full_company, vendor, entity) / _count(medium_company, vendor, entity)
    expected = full_company.scale / medium_company.scale
    assert 0.8 * expected <= ratio <= 1.2 * expected
