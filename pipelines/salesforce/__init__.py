"""dlt source for Salesforce (REST API): `accounts`, `contacts`, `opportunities`, `users`.

Each resource reads one sObject through `queryAll` with
`WHERE SystemModstamp >= <last cursor> ORDER BY SystemModstamp ASC, Id ASC`, pages through
`nextRecordsUrl` and merges on `Id`; the cursor lives in dlt state, so a second run reads only
rows changed since, and a failed run resumes from the last committed cursor. The boundary rows
(same SystemModstamp as the cursor) are read again on purpose and de-duplicated by dlt: see
`pipelines.salesforce.queries.changed_since`.

Deletions: `queryAll` returns soft-deleted rows (in the recycle bin) with `IsDeleted = true` and a
new SystemModstamp, so a deleted record stays in its raw table with `is_deleted = true`. Users
are never deleted in Salesforce, only deactivated (`is_active = false`). A record hard-deleted
or purged from the recycle bin (about 15 days after deletion) between two loads leaves no trace
in queryAll: load at least every two weeks to keep every deletion; the last seen version of
such a row stays as it was.

Timestamps keep Salesforce's wire form (`2026-01-31T12:34:56.000+0000`) in the cursor; every
selected field has a typed column in the raw tables (timestamps, dates, booleans, numbers), even
when no row has a value yet. A custom field the org lacks is left out of the query with a
warning (its column stays empty) instead of failing the load. Records without an Id go to the
`quarantine` table.
Config `[sources.salesforce]`: `login_url`, `api_version`, `page_size` (batchSize, 200..2000),
`start_date`; secrets: `client_id`, `client_secret` (a connected app with the `api` scope),
`username`, `password` (with the security token appended if the org requires one).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import dlt
from dlt.common.schema.typing import TTableSchemaColumns
from dlt.sources import DltResource

from pipelines.common.quarantine import quarantine_malformed
from pipelines.salesforce.client import QueryError, SalesforceClient
from pipelines.salesforce.queries import changed_since, parse_datetime, wire_datetime
from pipelines.salesforce.settings import CURSOR_FIELD, FIELD_TYPES, OBJECTS, PRIMARY_KEY

log = logging.getLogger("pipelines.salesforce")


def _columns(fields: tuple[str, ...]) -> TTableSchemaColumns:
    columns: TTableSchemaColumns = {
        field: {"data_type": FIELD_TYPES.get(field, "text")} for field in fields
    }
    # A row changed while a load pages through its object is served again later in the same
    # load (it sorts after the cursor); of its versions in one load, keep the newest.
    columns[CURSOR_FIELD]["dedup_sort"] = "desc"
    return columns


def _changed_pages(
    client: SalesforceClient, sobject: str, fields: tuple[str, ...], since: str
) -> Iterator[list[dict[str, Any]]]:
    """Pages of rows changed since `since`; fields the org lacks are left out, with a warning.

    Custom fields (Segment__c, Contract_*_Date__c) may not exist in every org: rather than
    failing the load, Salesforce's INVALID_FIELD triggers one describe call, and the query is
    sent again with the fields the object has. Their columns stay, empty.
    """
    try:
        yield from client.query_all(changed_since(sobject, fields, since), sobject)
        return
    except QueryError as error:
        if error.error_code != "INVALID_FIELD":
            raise
        available = client.field_names(sobject)
        missing = [field for field in fields if field not in available]
        if not missing or PRIMARY_KEY in missing or CURSOR_FIELD in missing:
            raise
    log.warning(
        "Salesforce %s has no field %s: loading it without %s",
        sobject,
        ", ".join(missing),
        "them" if len(missing) > 1 else "it",
    )
    kept = tuple(field for field in fields if field not in missing)
    yield from client.query_all(changed_since(sobject, kept, since), sobject)


def _object_resource(
    client: SalesforceClient, table: str, sobject: str, fields: tuple[str, ...], start: str
) -> DltResource:
    def read(
        updated: dlt.sources.incremental[str] = dlt.sources.incremental(  # noqa: B008
            CURSOR_FIELD, initial_value=start, on_cursor_value_missing="include"
        ),
    ) -> Iterator[Any]:
        # start_value is fixed for the run; last_value moves as pages are yielded.
        for page in _changed_pages(client, sobject, fields, updated.start_value):
            good, quarantined = [], []
            for item in quarantine_malformed(page, "salesforce", table, (PRIMARY_KEY,)):
                (good if isinstance(item, dict) else quarantined).append(item)
            # A page goes out as one list (fast); a quarantine row cannot ride inside a list,
            # as dlt reads table marks only on items yielded on their own.
            yield good
            yield from quarantined

    return dlt.resource(
        read,
        name=table,
        primary_key=PRIMARY_KEY,
        write_disposition="merge",
        columns=_columns(fields),
    )


@dlt.source(name="salesforce")
def salesforce_source(
    client_id: str = dlt.secrets.value,
    client_secret: str = dlt.secrets.value,
    username: str = dlt.secrets.value,
    password: str = dlt.secrets.value,
    login_url: str = "https://login.salesforce.com",
    api_version: str = "59.0",
    page_size: int = 2000,
    start_date: str = "2020-01-01T00:00:00Z",
) -> list[DltResource]:
    client = SalesforceClient(
        login_url, client_id, client_secret, username, password, api_version, page_size
    )
    start = wire_datetime(parse_datetime(start_date))
    return [
        _object_resource(client, table, sobject, fields, start)
        for table, (sobject, fields) in OBJECTS.items()
    ]
