"""The synthetic company behind the sandbox: `build_company(seed, scale)`.

One simulated B2B SaaS company over a year (START to NOW, continuing to HORIZON so the sandbox
clock can advance), identical for the same seed and growing linearly with `scale`. Each vendor
module draws from its own random stream derived from the seed, so changing one vendor does not
reshuffle the others. The order of the passes follows the data's dependencies: people, then
Salesforce, Zendesk's directory and ticket simulation, the Slack request plan, Linear (which
links escalations and Slack requests to issues), and finally the records that quote issue URLs.

`company.facts` holds what no API serves: `company`, `zendesk_subdomain`, `slack_workspace`,
`linear_workspace`, `slack_intake_channels` ([{id, name}]), `zendesk_default_schedule_id`,
`zendesk_time_zones` (Zendesk names -> IANA), `zendesk_org_links` (domain_only / ambiguous /
unmatched organizations), `shared_domain_accounts`, `deleted_accounts`, `zendesk_dst_tickets`,
`linear_forgotten_issues`, `linear_app_users`, `orphans` (deliberately dangling references and
what points at them), `dirty_data` (which records carry which dirty case) and `log` (the
simulation's event log, read by `truth.py` for the ground truth).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from pipelines.sandbox.company.clock import HORIZON, NOW, START, ArrivalProcess
from pipelines.sandbox.company.dirty import add_dirty_data
from pipelines.sandbox.company.linear import build_linear
from pipelines.sandbox.company.log import SimulationLog
from pipelines.sandbox.company.model import ENTITIES, Company, Versioned
from pipelines.sandbox.company.people import COMPANY_DOMAIN, COMPANY_NAME, build_people
from pipelines.sandbox.company.salesforce import build_salesforce
from pipelines.sandbox.company.slack import INTAKE_CHANNELS, WORKSPACE, build_slack, plan_requests
from pipelines.sandbox.company.zendesk import SUBDOMAIN, TIME_ZONES, build_directory
from pipelines.sandbox.company.zendesk_project import project_tickets
from pipelines.sandbox.company.zendesk_tickets import simulate_tickets

__all__ = ["ENTITIES", "Company", "Versioned", "build_company"]


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The generator allocates millions of small dicts and no reference cycles; the cyclic
    garbage collector would rescan the growing heap over and over (a third of the run time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_company(seed: int, scale: float) -> Company:
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    with _without_cycle_collection():
        return _build(seed, scale)


def _build(seed: int, scale: float) -> Company:
    arrivals = ArrivalProcess()
    people = build_people(seed, scale)
    sf = build_salesforce(seed, scale, people)
    directory = build_directory(seed, scale, people, sf)
    tickets = simulate_tickets(seed, scale, people, directory, arrivals)
    slack_plan = plan_requests(seed, scale, people, arrivals)
    linear = build_linear(
        seed, scale, people, tickets.problems, tickets.tickets, slack_plan.requests, arrivals
    )
    zendesk_tables = {**directory.tables, **project_tickets(tickets.tickets, directory)}
    slack_tables = build_slack(slack_plan, people, arrivals, scale)
    company = Company(
        seed=seed,
        scale=scale,
        start=START,
        now=NOW,
        horizon=HORIZON,
        tables={
            "linear": linear.tables,
            "slack": slack_tables,
            "zendesk": zendesk_tables,
            "salesforce": sf.tables,
        },
        facts={
            "company": {"name": COMPANY_NAME, "domain": COMPANY_DOMAIN},
            "zendesk_subdomain": SUBDOMAIN,
            "slack_workspace": WORKSPACE,
            "linear_workspace": linear.facts["linear_workspace"],
            "slack_intake_channels": [
                {"id": c.id, "name": c.name}
                for c in slack_plan.channels
                if c.name in INTAKE_CHANNELS
            ],
            "zendesk_default_schedule_id": directory.default_schedule.id,
            "zendesk_time_zones": TIME_ZONES,
            **sf.facts,
            **directory.facts,
            **tickets.facts,
            **{k: v for k, v in linear.facts.items() if k != "linear_workspace"},
        },
    )
    company.facts["dirty_data"] = add_dirty_data(company, seed)
    company.facts["log"] = SimulationLog(
        people=people,
        accounts=sf.accounts,
        directory=directory,
        tickets=tickets.tickets,
        issues=linear.issues,
        requests=slack_plan.requests,
    )
    return company
