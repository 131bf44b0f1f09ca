"""Company profiles: the built company as is (`full`), or with every optional entity emptied.

Real accounts often lack whole entities, and dlt then creates no table for them. `minimal` keeps
the company's core records and removes, consistently, everything an account can do without:

- Linear: one team (Support Engineering) with its workflow states, issues, history, comments and
  attachments; no projects, cycles or labels, and issues refer to none of them. The other teams
  and their issues are gone; users stay (a workspace's users are not per team).
- Zendesk: no ticket or organization tags, no custom fields, no satisfaction surveys (ratings,
  the tickets' rating changes and their audit events), no SLA policies (nor the SLA events of
  ticket_metric_events) and no holidays; Zendesk's own `ticket_metrics` and metric events are
  measured again without them, as Zendesk would have.
- Slack: no threads; parents keep no `thread_ts`, and a deleted parent, no longer kept alive by
  its replies, vanishes as Slack's would.
- Salesforce: no opportunities (so no contracts and no ARR).

The simulation log (`facts["log"]`) and the facts that name records follow, so the ground truth
describes what the sandbox serves. A profile changes the company in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipelines.sandbox.company.business_hours import Schedule
from pipelines.sandbox.company.model import Company, Payload, Versioned
from pipelines.sandbox.company.zendesk_project import project_ticket_metrics

PROFILES = ("full", "minimal")
# The Linear team `minimal` keeps: escalations and Slack requests become its issues.
SUPPORT_TEAM_KEY = "SUP"
# Fields a vendor stamps on every change: a change left with only these changed nothing.
_STAMPS = {"updatedAt", "updated_at", "LastModifiedDate", "SystemModstamp"}


def apply_profile(company: Company, profile: str) -> Company:
    if profile not in PROFILES:
        raise ValueError(f"unknown company profile {profile!r}: one of {', '.join(PROFILES)}")
    if profile == "minimal":
        _minimal_linear(company)
        _minimal_zendesk(company)
        _minimal_slack(company)
        _minimal_salesforce(company)
        _keep_facts_of_remaining_records(company)
    return company


def _without_fields(record: Versioned, fields: Payload) -> None:
    """Set `fields` on the record for good: in its payload, and out of every change. A change
    that changed nothing else goes too (a bare touch that changed nothing at all stays)."""
    record.payload.update(fields)
    kept = []
    for at, change in record.changes:
        touched = [change.pop(name) for name in fields if name in change]
        if not touched or set(change) - _STAMPS:
            kept.append((at, change))
    record.changes = kept


def _keep(tables: dict[str, list[Versioned]], entity: str, keep: Callable[[Payload], bool]) -> None:
    tables[entity] = [record for record in tables[entity] if keep(record.payload)]


def _minimal_linear(company: Company) -> None:
    tables = company.tables["linear"]
    team = next(t for t in tables["teams"] if t.payload["key"] == SUPPORT_TEAM_KEY)
    team_id = team.payload["id"]
    tables["teams"] = [team]
    _keep(tables, "workflow_states", lambda state: state["teamId"] == team_id)
    _keep(tables, "issues", lambda issue: issue["teamId"] == team_id)
    issue_ids = {record.key for record in tables["issues"]}
    for entity in ("issue_history", "comments", "attachments"):
        _keep(tables, entity, lambda row: row["issueId"] in issue_ids)
    for entity in ("labels", "projects", "cycles"):
        tables[entity] = []
    for record in tables["issues"]:
        _without_fields(record, {"labelIds": [], "projectId": None, "cycleId": None})
    log = company.facts["log"]
    log.issues = [issue for issue in log.issues if issue.plan.id in issue_ids]
    for issue in log.issues:
        issue.plan.labels = []
    identifiers = {issue.plan.identifier for issue in log.issues}
    company.facts["linear_forgotten_issues"] = [
        identifier
        for identifier in company.facts["linear_forgotten_issues"]
        if identifier in identifiers
    ]


def _minimal_zendesk(company: Company) -> None:
    tables = company.tables["zendesk"]
    for record in tables["tickets"]:
        _without_fields(
            record,
            {"tags": [], "custom_fields": [], "satisfaction_rating": {"score": "unoffered"}},
        )
    for record in tables["organizations"]:
        _without_fields(record, {"tags": []})
    audits = []
    for record in tables["ticket_audits"]:
        events = record.payload["events"]
        events[:] = [e for e in events if e.get("field_name") != "satisfaction_score"]
        if events:
            audits.append(record)
    tables["ticket_audits"] = audits
    for entity in ("satisfaction_ratings", "sla_policies", "holidays"):
        tables[entity] = []
    # Zendesk measures on the account's own schedules and policies: without holidays and
    # policies, its ticket_metrics' business minutes count no holiday and no SLA is applied.
    directory = company.facts["log"].directory
    directory.sla_policies = []
    for schedule in directory.schedules:
        schedule.holidays = ()
        schedule.schedule = Schedule(schedule.schedule.time_zone, schedule.schedule.intervals)
    tables.update(project_ticket_metrics(company.facts["log"].tickets, directory))
    for ticket in company.facts["log"].tickets:
        ticket.steps = [step for step in ticket.steps if "satisfaction_rating" not in step.fields]
        ticket.satisfaction_id = None


def _minimal_slack(company: Company) -> None:
    tables = company.tables["slack"]

    def is_reply(payload: Payload) -> bool:
        return payload["thread_ts"] is not None and payload["thread_ts"] != payload["ts"]

    _keep(tables, "messages", lambda message: not is_reply(message))
    for record in tables["messages"]:
        _without_fields(record, {"thread_ts": None})
    for request in company.facts["log"].requests:
        request.thread = []


def _minimal_salesforce(company: Company) -> None:
    company.tables["salesforce"]["Opportunity"] = []
    for account in company.facts["log"].accounts:
        account.contracts = []


def _keep_facts_of_remaining_records(company: Company) -> None:
    """Drop the dirty-data cases that named a removed record."""
    remaining: dict[tuple[str, str], set[Any]] = {
        (vendor, entity): {record.key for record in records}
        for vendor, entities in company.tables.items()
        for entity, records in entities.items()
    }
    cases = company.facts["dirty_data"]
    for name, value in cases.items():
        if isinstance(value, list) and all(isinstance(case, dict) for case in value):
            cases[name] = [
                case
                for case in value
                if "key" not in case
                or case["key"] in remaining.get((case["vendor"], case["entity"]), ())
            ]
