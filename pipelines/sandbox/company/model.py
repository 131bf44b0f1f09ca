"""The simulated company as versioned records, the one thing the sandbox's vendor APIs serve.

Every record the vendors expose is a `Versioned`: its vendor-native payload when created, then
dated changes (field updates), and possibly a time at which it disappears from the API. The
sandbox's clock picks the version to serve, so advancing the clock makes new, updated and
deleted records appear exactly as they would in the real systems.

Payload keys are the vendor's own field names (Linear camelCase, Slack/Zendesk snake_case,
Salesforce PascalCase). Timestamps are timezone-aware UTC `datetime`s; each vendor API module
renders them in its vendor's wire format. Relations are ids (`teamId`, `requester_id`, `AccountId`).
`ENTITIES` lists, per vendor, the entities, their key and the fields every payload carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Payload = dict[str, Any]


@dataclass(slots=True)
class Versioned:
    """One record with its history: `payload` at `created_at`, then `changes` in time order."""

    key: Any
    created_at: datetime
    payload: Payload
    changes: list[tuple[datetime, Payload]] = field(default_factory=list)
    # When the record vanishes from the API (a Slack message deleted, a hard delete). Soft
    # deletes that the API still shows (Zendesk status "deleted", Salesforce IsDeleted, Linear
    # archivedAt/trashed) are ordinary changes instead.
    removed_at: datetime | None = None

    def exists_at(self, at: datetime) -> bool:
        return self.created_at <= at and (self.removed_at is None or at < self.removed_at)

    def state_at(self, at: datetime) -> Payload | None:
        """The payload as the API shows it at `at`, or None when the record is not visible."""
        if not self.exists_at(at):
            return None
        state = dict(self.payload)
        for changed_at, change in self.changes:
            if changed_at > at:
                break
            state.update(change)
        return state

    def changed_at(self, at: datetime) -> datetime | None:
        """Time of the latest version visible at `at` (creation or last change)."""
        if not self.exists_at(at):
            return None
        latest = self.created_at
        for changed_at, _ in self.changes:
            if changed_at > at:
                break
            latest = changed_at
        return latest

    def add_change(self, at: datetime, change: Payload) -> None:
        """Record a change; changes must be added in time order."""
        if self.changes and at < self.changes[-1][0]:
            raise ValueError(f"change for {self.key!r} at {at} precedes an earlier change")
        if at < self.created_at:
            raise ValueError(f"change for {self.key!r} at {at} precedes its creation")
        self.changes.append((at, change))


@dataclass
class Company:
    """The whole simulated company: versioned records per vendor and entity, and its clock."""

    seed: int
    scale: float
    # Simulated history starts at `start`; the default clock (`now`) is the sandbox's fixed "now"
    # for the seed; the simulation runs on to `horizon` so the clock can be advanced.
    start: datetime
    now: datetime
    horizon: datetime
    tables: dict[str, dict[str, list[Versioned]]]
    # Generator-side facts that are not served by any API (ground-truth inputs, deliberate
    # orphans, ...), free-form per generator module.
    facts: dict[str, Any] = field(default_factory=dict)

    def records(self, vendor: str, entity: str) -> list[Versioned]:
        return self.tables[vendor][entity]

    def visible(self, vendor: str, entity: str, at: datetime) -> Iterator[Payload]:
        """Payloads of one entity visible at `at`, in creation order."""
        for record in self.tables[vendor][entity]:
            state = record.state_at(at)
            if state is not None:
                yield state


@dataclass(frozen=True)
class Entity:
    key: str
    fields: tuple[str, ...]


def _entity(key: str, fields: str) -> Entity:
    return Entity(key=key, fields=tuple(fields.split()))


# The contract between the generator (which must fill every field, None where the vendor allows
# null) and the vendor APIs (which serve them). Generators may add fields; APIs may derive more.
ENTITIES: dict[str, dict[str, Entity]] = {
    "linear": {
        "teams": _entity("id", "id key name description createdAt updatedAt archivedAt"),
        "users": _entity(
            "id",
            "id name displayName email active admin guest app timezone "
            "createdAt updatedAt archivedAt",
        ),
        "workflow_states": _entity(
            "id", "id name type color position teamId createdAt updatedAt archivedAt"
        ),
        "labels": _entity("id", "id name color teamId createdAt updatedAt archivedAt"),
        "projects": _entity(
            "id",
            "id name description state startedAt completedAt canceledAt targetDate "
            "createdAt updatedAt archivedAt teamIds leadId",
        ),
        "cycles": _entity(
            "id", "id number name teamId startsAt endsAt completedAt createdAt updatedAt archivedAt"
        ),
        "issues": _entity(
            "id",
            "id identifier number title description priority priorityLabel estimate "
            "createdAt updatedAt startedAt completedAt canceledAt startedTriageAt triagedAt "
            "archivedAt autoArchivedAt autoClosedAt dueDate slaType slaStartedAt "
            "slaMediumRiskAt slaHighRiskAt slaBreachesAt trashed url integrationSourceType "
            "stateId teamId assigneeId creatorId labelIds projectId cycleId parentId",
        ),
        "issue_history": _entity(
            "id",
            "id issueId createdAt updatedAt actorId fromStateId toStateId fromAssigneeId "
            "toAssigneeId fromPriority toPriority archived trashed",
        ),
        "comments": _entity(
            "id", "id body issueId userId parentId createdAt updatedAt editedAt archivedAt"
        ),
        "attachments": _entity(
            "id",
            "id url title subtitle sourceType source metadata issueId creatorId "
            "createdAt updatedAt archivedAt",
        ),
    },
    "slack": {
        "users": _entity(
            "id", "id team_id name real_name deleted is_bot is_admin tz tz_offset profile updated"
        ),
        "channels": _entity(
            "id",
            "id name is_channel is_private is_archived is_member created creator topic purpose "
            "num_members",
        ),
        # key is (channel, ts); replies have thread_ts != ts. Parents' reply_count, reply_users
        # and latest_reply are derived by the API from the replies visible at the clock.
        "messages": _entity(
            "channel,ts",
            "channel ts type user bot_id subtype text thread_ts edited reactions client_msg_id",
        ),
    },
    "zendesk": {
        "organizations": _entity(
            "id",
            "id name external_id domain_names details notes group_id shared_tickets tags "
            "organization_fields created_at updated_at deleted_at",
        ),
        "users": _entity(
            "id",
            "id name email role organization_id external_id time_zone active suspended "
            "default_group_id created_at updated_at",
        ),
        "groups": _entity("id", "id name description default deleted created_at updated_at"),
        "tickets": _entity(
            "id",
            "id external_id subject description status priority type via requester_id "
            "submitter_id assignee_id group_id organization_id brand_id tags custom_fields "
            "satisfaction_rating is_public due_at created_at updated_at",
        ),
        # Every change to a ticket as Zendesk audits: {id, ticket_id, created_at, author_id, via,
        # events: [{id, type: Create|Change|Comment, field_name, value, previous_value,
        # public, body, html_body, plain_body, author_id, attachments}]}. Comments, the
        # incremental ticket_events export and status histories are all rendered from these.
        "ticket_audits": _entity("id", "id ticket_id created_at author_id via events"),
        "ticket_metrics": _entity(
            "id",
            "id ticket_id group_stations assignee_stations reopens replies "
            "assignee_updated_at requester_updated_at status_updated_at initially_assigned_at "
            "assigned_at solved_at latest_comment_added_at reply_time_in_minutes "
            "first_resolution_time_in_minutes full_resolution_time_in_minutes "
            "agent_wait_time_in_minutes requester_wait_time_in_minutes "
            "on_hold_time_in_minutes created_at updated_at",
        ),
        "ticket_metric_events": _entity(
            "id", "id ticket_id metric instance_id type time sla status deleted"
        ),
        "satisfaction_ratings": _entity(
            "id",
            "id ticket_id score comment reason_id assignee_id group_id requester_id "
            "created_at updated_at",
        ),
        "sla_policies": _entity(
            "id", "id title description position filter policy_metrics created_at updated_at"
        ),
        "schedules": _entity("id", "id name time_zone intervals created_at updated_at"),
        "holidays": _entity("id", "id schedule_id name start_date end_date"),
    },
    "salesforce": {
        "User": _entity(
            "Id",
            "Id Username Name FirstName LastName Email IsActive Title Department "
            "CreatedDate LastModifiedDate SystemModstamp",
        ),
        "Account": _entity(
            "Id",
            "Id Name Type Industry Website AnnualRevenue NumberOfEmployees OwnerId ParentId "
            "BillingCountry Segment__c CreatedDate LastModifiedDate SystemModstamp IsDeleted",
        ),
        "Contact": _entity(
            "Id",
            "Id AccountId FirstName LastName Email Title OwnerId CreatedDate LastModifiedDate "
            "SystemModstamp IsDeleted",
        ),
        "Opportunity": _entity(
            "Id",
            "Id AccountId Name StageName Amount CloseDate IsClosed IsWon Type Probability "
            "ForecastCategoryName OwnerId Contract_Start_Date__c Contract_End_Date__c "
            "CreatedDate LastModifiedDate SystemModstamp IsDeleted",
        ),
    },
}
