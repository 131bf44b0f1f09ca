"""dlt source for Linear's GraphQL API: teams, users, workflow_states, labels, projects, cycles,
issues, issue_history, comments, attachments.

Config `[sources.linear]`: `base_url`, `page_size` (top-level connections, Linear caps it at 250),
`nested_page_size` (issue history per issue), `start_date`, `deletion_sweep_hours` (default 24);
secret `api_key`.

- Incremental: every table but issue_history reads its top-level connection with
  `filter: {updatedAt: {gt: <last updatedAt loaded>}}, orderBy: updatedAt, includeArchived: true`
  and merges on `id`, so a second run asks only for what changed and a crashed run resumes from
  the state of the last completed load.
- issue_history has no top-level query in Linear: a dlt transformer reads `Issue.history` of the
  issues each run loads (a change that writes history also bumps the issue's `updatedAt`), every
  page of it (`issue(id) { history(after:) }` for the long ones), merged on `id`.
- Relations are flattened to ids: `state { id }` -> column `state_id` (see queries.py).
- Deletes: Linear's archive and trash are soft: with `includeArchived: true` those records
  arrive as updates with `archived_at` set (and `trashed = true` for issues) and stay in the
  tables. A record deleted for good stops being served: every `deletion_sweep_hours` a sweep
  lists the ids Linear still serves and keeps each vanished row with `deleted_at` set (see
  deletions.py). History entries are not swept: they go with their issue.
- Malformed records (no `id`) go to the `quarantine` table (pipelines.common.quarantine).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from pipelines.common.quarantine import quarantine_malformed
from pipelines.linear.client import LinearClient
from pipelines.linear.deletions import sweep_due, vanished_rows
from pipelines.linear.queries import (
    ENTITIES,
    HISTORY,
    EntitySpec,
    changed_query,
    history_of_issues_query,
    more_history_query,
)

# Follow-up pages of one issue's history are cheap (no parent fields): ask for Linear's maximum.
MAX_PAGE_SIZE = 250
# Issues per history query: each brings a nested page of history costing about 3.4 points per
# entry (Linear: 1 per object, 0.1 per field), so 50 issues x 50 entries stay near 8,600 of the
# 10,000 points a query may cost. Fewer are asked when Linear still finds it too complex.
ISSUES_PER_HISTORY_QUERY = 50


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _page(rows: Iterable[Any], table: str) -> Iterator[Any]:
    """A page of good rows as one list; each quarantined record on its own, to its own table.

    Quarantine rows carry no `updatedAt`, so the incrementals let rows without a cursor through
    (`on_cursor_value_missing="include"`); the history transformer only reads the lists.
    """
    good = []
    for item in quarantine_malformed(rows, "linear", table, ("id",)):
        if isinstance(item, dict):
            good.append(item)
        else:
            yield item
    if good:
        yield good


def _changed_records(
    client: LinearClient,
    spec: EntitySpec,
    page_size: int,
    start_date: str,
    deletion_sweep_hours: float,
) -> DltResource:
    def records(
        updated_at: dlt.sources.incremental[str] = dlt.sources.incremental(  # noqa: B008
            "updatedAt", initial_value=start_date, on_cursor_value_missing="include"
        ),
    ) -> Iterator[Any]:
        # Read once: `last_value` moves while pages are yielded (toolchain gotcha 10).
        since = _iso(updated_at.start_value)
        query = changed_query(spec)
        for nodes in client.pages(query, (spec.root,), {"since": since}, page_size):
            yield from _page((spec.flatten(node) for node in nodes), spec.table)
        now = datetime.now(UTC)
        if sweep_due(dlt.current.resource_state(), deletion_sweep_hours, now):
            vanished = vanished_rows(client, spec, detected_at=now)
            if vanished:
                yield vanished

    return dlt.resource(
        records,
        name=spec.table,
        primary_key="id",
        write_disposition="merge",
        columns=spec.columns(),
    )


def _issue_history(
    client: LinearClient, issues: DltResource, page_size: int, nested_page_size: int
) -> DltResource:
    query = history_of_issues_query()

    def history(rows: Any) -> Iterator[Any]:
        if not isinstance(rows, list):
            return  # a quarantined issue: no id to ask about
        # Rows the deletion sweep marks are gone from Linear: no history to ask for.
        pending = [row["id"] for row in rows if "deleted_at" not in row]
        state = dlt.current.resource_state()
        while pending:
            # Issues per query: shrunk (and remembered) when Linear finds the query too complex.
            # At least one, or `pending` would never shrink.
            first = max(
                1, int(state.get("issues_per_query", min(page_size, ISSUES_PER_HISTORY_QUERY)))
            )
            batch, pending = pending[:first], pending[first:]
            variables = {"ids": batch, "nestedFirst": nested_page_size}
            for found in client.pages(query, ("issues",), variables, first):
                state["issues_per_query"] = client.page_sizes[query]
                entries: list[Any] = []
                for issue in found:
                    entries += _history_entries(client, issue)
                yield from _page(entries, HISTORY.table)

    return dlt.transformer(
        history,
        data_from=issues,
        name=HISTORY.table,
        primary_key="id",
        write_disposition="merge",
        columns={**HISTORY.columns(), "issueId": {"data_type": "text"}},
    )


def _history_entries(client: LinearClient, issue: dict[str, Any]) -> list[Any]:
    """All of one issue's history: the page that came with it, then the following pages."""
    nodes = list(issue["history"]["nodes"])
    info = issue["history"]["pageInfo"]
    if info["hasNextPage"]:
        variables = {"id": issue["id"]}
        for more in client.pages(
            more_history_query(), ("issue", "history"), variables, MAX_PAGE_SIZE, info["endCursor"]
        ):
            nodes += more
    return [{**node, "issueId": issue["id"]} if isinstance(node, dict) else node for node in nodes]


@dlt.source(name="linear")
def linear_source(
    api_key: str = dlt.secrets.value,
    base_url: str = dlt.config.value,
    page_size: int = 100,
    nested_page_size: int = 50,
    start_date: str = "2020-01-01T00:00:00Z",
    deletion_sweep_hours: float = 24,
) -> list[DltResource]:
    client = LinearClient(base_url, api_key)
    resources = {
        table: _changed_records(client, spec, page_size, start_date, deletion_sweep_hours)
        for table, spec in ENTITIES.items()
    }
    history = _issue_history(client, resources["issues"], page_size, nested_page_size)
    return [*resources.values(), history]
