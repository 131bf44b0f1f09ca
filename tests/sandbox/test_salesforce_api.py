"""Contract tests for the sandbox's Salesforce API, over real HTTP.

Salesforce publishes no machine-readable spec of its REST API (see ../shared/specs/salesforce/
NOTE.md), so the envelopes are checked against JSON schemas written here from the documented
shapes (token, query page, error array); expectations are computed from the company directly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import requests

from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from tests.salesforce_fixtures import tiny_company
from tests.sandbox_helpers import serve

CREDENTIALS = SANDBOX_CREDENTIALS["salesforce"]
V = "/services/data/v59.0"
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
LOCATOR_URL = re.compile(r"^/services/data/v59\.0/(query|queryAll)/01g[0-9A-Za-z]{15}-(\d+)$")

TOKEN_SCHEMA = {
    "type": "object",
    "required": ["access_token", "instance_url", "id", "token_type", "issued_at", "signature"],
    "properties": {
        "access_token": {"type": "string", "pattern": "^00D[0-9A-Za-z]{15}!"},
        "token_type": {"const": "Bearer"},
        "issued_at": {"type": "string", "pattern": r"^\d{13}$"},
    },
}
QUERY_SCHEMA = {
    "type": "object",
    "required": ["totalSize", "done", "records"],
    "properties": {
        "totalSize": {"type": "integer", "minimum": 0},
        "done": {"type": "boolean"},
        "nextRecordsUrl": {"type": "string"},
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["attributes"],
                "properties": {
                    "attributes": {
                        "type": "object",
                        "required": ["type", "url"],
                        "properties": {"type": {"type": "string"}, "url": {"type": "string"}},
                    }
                },
            },
        },
    },
    # done:false always comes with the next page's URL
    "if": {"properties": {"done": {"const": False}}},
    "then": {"required": ["nextRecordsUrl"]},
    "else": {"not": {"required": ["nextRecordsUrl"]}},
}
ERROR_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["message", "errorCode"],
        "properties": {"message": {"type": "string"}, "errorCode": {"type": "string"}},
    },
}
OAUTH_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "error_description"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}


class Client:
    """A bare client of the sandbox: plain requests, no retries, nothing from the source."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.trust_env = False
        self.token = ""

    def login(self, **overrides: str) -> requests.Response:
        form = {"grant_type": "password", **CREDENTIALS, **overrides}
        response = self.http.post(f"{self.url}/services/oauth2/token", data=form)
        if response.ok:
            self.token = response.json()["access_token"]
        return response

    def get(self, path: str, batch: int | None = None, **params: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        if batch is not None:
            headers["Sforce-Query-Options"] = f"batchSize={batch}"
        return self.http.get(f"{self.url}{path}", params=params, headers=headers)

    def pages(self, soql: str, query_all: bool = False, batch: int | None = None) -> Iterator[Any]:
        response = self.get(f"{V}/{'queryAll' if query_all else 'query'}", batch, q=soql)
        while True:
            assert response.status_code == 200, response.text
            body = response.json()
            jsonschema.validate(body, QUERY_SCHEMA)
            yield body
            if body["done"]:
                return
            response = self.get(body["nextRecordsUrl"], batch)

    def records(self, soql: str, query_all: bool = False, batch: int | None = None) -> list[Any]:
        return [r for page in self.pages(soql, query_all, batch) for r in page["records"]]


def error_code(response: requests.Response) -> str:
    body = response.json()
    jsonschema.validate(body, ERROR_SCHEMA)
    return body[0]["errorCode"]


@pytest.fixture(scope="module")
def company():
    # 1100 accounts x 2 contacts: more than one 2000-row page of contacts.
    return tiny_company(accounts=1100)


@pytest.fixture(scope="module")
def server(company):
    with serve(company) as running:
        yield running


@pytest.fixture
def client(server) -> Client:
    client = Client(server.url)
    assert client.login().status_code == 200
    return client


def visible(company, sobject: str, at: datetime, deleted: bool = False) -> list[dict]:
    """Independent expectation: the versions at `at`, from the records' own history."""
    rows = []
    for record in company.tables["salesforce"][sobject]:
        if record.created_at > at:
            continue
        state = dict(record.payload)
        for changed_at, change in record.changes:
            if changed_at <= at:
                state.update(change)
        if deleted or not state.get("IsDeleted"):
            rows.append(state)
    return rows


def wire(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "000+0000"


# -- OAuth ---------------------------------------------------------------------------------------


def test_password_grant_returns_a_signed_token(server):
    client = Client(server.url)
    response = client.login()
    assert response.status_code == 200
    body = response.json()
    jsonschema.validate(body, TOKEN_SCHEMA)
    assert body["instance_url"] == server.url
    # Salesforce's signature: base64 HMAC-SHA256 of id + issued_at, keyed by the client secret.
    expected = hmac.new(
        CREDENTIALS["client_secret"].encode(),
        (body["id"] + body["issued_at"]).encode(),
        hashlib.sha256,
    ).digest()
    assert base64.b64decode(body["signature"]) == expected
    assert int(body["issued_at"]) == int(server.sandbox.now.timestamp() * 1000)


def test_instance_url_is_an_origin_that_serves_the_api(server):
    """Salesforce's instance_url is scheme://host[:port]; clients call /services/... at its root."""
    client = Client(server.url)
    instance = urlsplit(client.login().json()["instance_url"])
    assert (instance.path, instance.query, instance.fragment) == ("", "", "")
    assert instance.scheme == "http" and instance.netloc == urlsplit(server.url).netloc
    client.url = instance.geturl()
    assert client.get(f"{V}/query", q="SELECT Id FROM User").status_code == 200


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"password": "wrong"}, "invalid_grant"),
        ({"username": "someone@example.com"}, "invalid_grant"),
        ({"client_id": "wrong"}, "invalid_client_id"),
        ({"client_secret": "wrong"}, "invalid_client"),
        ({"grant_type": "authorization_code"}, "unsupported_grant_type"),
    ],
)
def test_token_errors_have_the_oauth_shape(server, override, error):
    response = Client(server.url).login(**override)
    assert response.status_code == 400
    jsonschema.validate(response.json(), OAUTH_ERROR_SCHEMA)
    assert response.json()["error"] == error
    if error == "invalid_grant":
        assert response.json()["error_description"] == "authentication failure"


def test_client_credentials_grant_with_basic_auth(server):
    http = requests.Session()
    http.trust_env = False
    response = http.post(
        f"{server.url}/services/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(CREDENTIALS["client_id"], CREDENTIALS["client_secret"]),
    )
    assert response.status_code == 200
    client = Client(server.url)
    client.token = response.json()["access_token"]
    assert client.get(f"{V}/query", q="SELECT Id FROM User").status_code == 200


@pytest.mark.parametrize("token", ["", "garbage", "00D000000000000AAA!forged"])
def test_bad_session_is_invalid_session_id(client, token):
    client.token = token
    response = client.get(f"{V}/query", q="SELECT Id FROM Account")
    assert response.status_code == 401
    assert error_code(response) == "INVALID_SESSION_ID"


def test_sessions_expire_after_two_hours_of_sandbox_clock():
    with serve(tiny_company(accounts=10)) as server:
        client = Client(server.url)
        client.login()
        server.sandbox.advance(timedelta(hours=1, minutes=59))
        assert client.get(f"{V}/query", q="SELECT Id FROM User").status_code == 200
        server.sandbox.advance(timedelta(minutes=2))
        response = client.get(f"{V}/query", q="SELECT Id FROM User")
        assert response.status_code == 401
        assert error_code(response) == "INVALID_SESSION_ID"
        client.login()
        assert client.get(f"{V}/query", q="SELECT Id FROM User").status_code == 200


def test_token_from_another_seed_is_refused(server):
    with serve(tiny_company(accounts=10, seed=99)) as other:
        foreign = Client(other.url)
        foreign.login()
    client = Client(server.url)
    client.token = foreign.token
    assert client.get(f"{V}/query", q="SELECT Id FROM User").status_code == 401


# -- paging --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sobject", "batch"), [("Account", 200), ("Contact", None)])
def test_paging_reaches_every_row_once(client, company, server, sobject, batch):
    expected = visible(company, sobject, server.sandbox.now)
    pages = list(client.pages(f"SELECT Id FROM {sobject}", batch=batch))
    served = [r["Id"] for page in pages for r in page["records"]]
    assert sorted(served) == sorted(row["Id"] for row in expected)
    page_size = batch or 2000
    assert len(pages) == math.ceil(len(expected) / page_size)
    assert {page["totalSize"] for page in pages} == {len(expected)}
    for number, page in enumerate(pages[:-1], start=1):
        match = LOCATOR_URL.match(page["nextRecordsUrl"])
        assert match and match.group(1) == "query"
        assert int(match.group(2)) == number * page_size  # records served so far


@pytest.mark.parametrize(("asked", "served"), [(10, 200), (200, 200), (750, 750), (5000, 2000)])
def test_batch_size_is_clamped_like_salesforce(client, asked, served):
    first = next(client.pages("SELECT Id FROM Contact", batch=asked))
    assert len(first["records"]) == served


def test_query_hides_soft_deleted_rows_and_query_all_shows_them(client, company, server):
    now = server.sandbox.now
    live = client.records("SELECT Id, IsDeleted FROM Account")
    everything = client.records("SELECT Id, IsDeleted FROM Account", query_all=True)
    deleted = {r["Id"] for r in visible(company, "Account", now, True) if r["IsDeleted"]}
    assert deleted, "the fixture has soft-deleted accounts"
    assert {r["Id"] for r in everything} - {r["Id"] for r in live} == deleted
    assert not any(r["IsDeleted"] for r in live)
    assert {r["Id"] for r in everything if r["IsDeleted"]} == deleted


def test_query_all_pages_continue_on_query_all(client):
    page = next(client.pages("SELECT Id FROM Account", query_all=True, batch=200))
    assert LOCATOR_URL.match(page["nextRecordsUrl"]).group(1) == "queryAll"


def test_cursor_survives_churn_without_skipping(company):
    """Rows created or changed between pages still arrive; none visible at the start is lost."""
    with serve(company) as server:
        client = Client(server.url)
        client.login()
        start = server.sandbox.now
        soql = "SELECT Id, SystemModstamp FROM Account ORDER BY SystemModstamp ASC"
        first = client.get(f"{V}/queryAll", 200, q=soql).json()
        server.sandbox.advance(timedelta(days=5))
        client.login()
        rest = []
        response = client.get(first["nextRecordsUrl"], 200)
        while True:
            body = response.json()
            rest.extend(body["records"])
            if body["done"]:
                break
            response = client.get(body["nextRecordsUrl"], 200)
        end = server.sandbox.now
    served = first["records"] + rest
    served_ids = {r["Id"] for r in served}
    assert {r["Id"] for r in visible(company, "Account", start, True)} <= served_ids
    created_between = {r["Id"] for r in visible(company, "Account", end, True)} - {
        r["Id"] for r in visible(company, "Account", start, True)
    }
    assert created_between and created_between <= served_ids
    # Later pages only hold rows sorting after the first page's last row.
    assert all(r["SystemModstamp"] >= first["records"][-1]["SystemModstamp"] for r in rest)
    # A row is served twice only when it changed in between, and then with its new version.
    latest = {}
    for row in served:
        assert row["SystemModstamp"] >= latest.get(row["Id"], "")
        latest[row["Id"]] = row["SystemModstamp"]
    expected_latest = {
        r["Id"]: wire(r["SystemModstamp"]) for r in visible(company, "Account", end, True)
    }
    assert latest == expected_latest


def test_unknown_locator_is_invalid_query_locator(client):
    response = client.get(f"{V}/query/01g000000000000000-2000")
    assert response.status_code == 400
    assert error_code(response) == "INVALID_QUERY_LOCATOR"


# -- SOQL ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "literal",
    ["2026-03-01T00:00:00Z", "2026-03-01T00:00:00.000+0000", "2026-03-01T02:00:00+02:00"],
)
def test_system_modstamp_filter(client, company, server, literal):
    since = datetime(2026, 3, 1, tzinfo=UTC)
    rows = client.records(
        f"SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > {literal} "
        "ORDER BY SystemModstamp ASC, Id ASC",
        query_all=True,
    )
    expected = sorted(
        (wire(r["SystemModstamp"]), r["Id"])
        for r in visible(company, "Account", server.sandbox.now, True)
        if r["SystemModstamp"] > since
    )
    assert [(r["SystemModstamp"], r["Id"]) for r in rows] == expected


def test_where_and_or_in_like_null(client, company, server):
    rows = visible(company, "Account", server.sandbox.now)
    got = client.records(
        "SELECT Id FROM Account WHERE (Segment__c IN ('SMB', 'enterprise') OR Name LIKE "
        "'Account 01%') AND NOT (Industry = null) AND NumberOfEmployees >= 10"
    )
    expected = {
        r["Id"]
        for r in rows
        if (r["Segment__c"].lower() in ("smb", "enterprise") or r["Name"].startswith("Account 01"))
        and r["Industry"] is not None
        and r["NumberOfEmployees"] >= 10
    }
    assert {r["Id"] for r in got} == expected
    nulls = client.records("SELECT Id FROM Account WHERE Industry = null")
    assert {r["Id"] for r in nulls} == {r["Id"] for r in rows if r["Industry"] is None}


def test_order_by_desc_nulls_last_and_limit_across_pages(client, company, server):
    rows = visible(company, "Account", server.sandbox.now)
    got = client.records(
        "SELECT Id, Industry, Name FROM Account ORDER BY Industry DESC NULLS LAST, Name ASC "
        "LIMIT 450",
        batch=200,
    )
    expected = sorted(rows, key=lambda r: r["Name"])
    expected = [r for r in expected if r["Industry"]] + [r for r in expected if not r["Industry"]]
    assert [r["Id"] for r in got] == [r["Id"] for r in expected[:450]]


def test_records_use_the_wire_format(client):
    record = client.records(
        "SELECT Id, CloseDate, CreatedDate, Amount, IsWon FROM Opportunity LIMIT 1"
    )[0]
    assert record["attributes"] == {
        "type": "Opportunity",
        "url": f"{V}/sobjects/Opportunity/{record['Id']}",
    }
    assert DATETIME.match(record["CreatedDate"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", record["CloseDate"])
    assert isinstance(record["Amount"], float) and isinstance(record["IsWon"], bool)
    assert list(record) == ["attributes", "Id", "CloseDate", "CreatedDate", "Amount", "IsWon"]


@pytest.mark.parametrize(
    ("soql", "code", "needle"),
    [
        ("SELECT Id, Nope FROM Account", "INVALID_FIELD", "No such column 'Nope'"),
        ("SELECT Id FROM Account ORDER BY Nope", "INVALID_FIELD", "No such column 'Nope'"),
        ("SELECT Id FROM Nope", "INVALID_TYPE", "sObject type 'Nope' is not supported"),
        ("SELECT Id FROM Account WHERE", "MALFORMED_QUERY", "unexpected token: <EOF>"),
        ("SELECT Id Account", "MALFORMED_QUERY", "unexpected token: 'Account'"),
        (
            "SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'",
            "MALFORMED_QUERY",
            "unexpected token: 'OR'",
        ),
        (
            "SELECT Id FROM Account WHERE SystemModstamp > '2026-01-01T00:00:00Z'",
            "INVALID_FIELD",
            "must be of type dateTime and should not be enclosed in quotes",
        ),
        ("SELECT Id FROM Account LIMIT x", "MALFORMED_QUERY", "unexpected token: 'x'"),
    ],
)
def test_bad_queries_get_salesforce_errors(client, soql, code, needle):
    response = client.get(f"{V}/query", q=soql)
    assert response.status_code == 400
    assert error_code(response) == code
    assert needle in response.json()[0]["message"]


def test_unknown_api_version_is_not_found(client):
    response = client.get("/services/data/v12.0/query", q="SELECT Id FROM User")
    assert response.status_code == 404
    assert error_code(response) == "NOT_FOUND"


def test_describe_lists_the_fields_the_queries_accept(client):
    body = client.get(f"{V}/sobjects/opportunity/describe").json()
    assert body["name"] == "Opportunity"
    types = {field["name"]: field["type"] for field in body["fields"]}
    assert types["Id"] == "id"
    assert types["CloseDate"] == "date" and types["SystemModstamp"] == "datetime"
    assert types["IsWon"] == "boolean" and types["Amount"] == "double"
    fields = ", ".join(types)
    assert client.records(f"SELECT {fields} FROM Opportunity LIMIT 1")
    missing = client.get(f"{V}/sobjects/Lead/describe")
    assert missing.status_code == 404
    assert error_code(missing) == "NOT_FOUND"


def test_versions_and_bulk_fallback(client):
    versions = client.http.get(f"{client.url}/services/data/").json()
    assert {"label", "url", "version"} <= set(versions[0])
    assert "59.0" in [v["version"] for v in versions]
    bulk = client.http.post(
        f"{client.url}/services/async/59.0/job",
        headers={"X-SFDC-Session": client.token},
    )
    assert bulk.status_code == 400 and "Async API not enabled" in bulk.text


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/services",
        "/services/data/v59.0/nope",
        "/services/data/v59.0/sobjects/Account",
        "/services/apexrest/anything",
        # The old path prefix: the API lives at the instance's root and nowhere else.
        "/salesforce/services/data/v59.0/query",
    ],
)
def test_unknown_paths_are_salesforce_not_found(client, path):
    response = client.get(path, q="SELECT Id FROM User")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert error_code(response) == "NOT_FOUND"


def test_a_wrong_method_is_salesforce_method_not_allowed(client):
    response = client.get("/services/oauth2/token")
    assert response.status_code == 405
    assert error_code(response) == "METHOD_NOT_ALLOWED"
    assert "POST" in response.headers["Allow"]


def test_every_response_reports_api_usage(client, server):
    counts = []
    for response in (
        client.get(f"{V}/query", q="SELECT Id FROM User"),
        client.get(f"{V}/query", q="SELECT Nope FROM User"),
        client.login(),
    ):
        match = re.fullmatch(r"api-usage=(\d+)/15000", response.headers["Sforce-Limit-Info"])
        counts.append(int(match.group(1)))
    assert counts == sorted(counts) and counts[-1] == server.sandbox.request_counts["salesforce"]


def test_same_seed_and_clock_give_the_same_bytes():
    bodies = []
    for _ in range(2):
        with serve(tiny_company(accounts=300)) as server:
            client = Client(server.url)
            login = client.login()
            first = client.get(f"{V}/queryAll", 200, q="SELECT Id, Name FROM Account")
            second = client.get(first.json()["nextRecordsUrl"], 200)
            # The port differs between the two servers; so does the signature over the URL.
            token = json.dumps({**login.json(), "signature": None})
            bodies.append((token.replace(server.url, "<sandbox>"), first.content, second.content))
    assert bodies[0] == bodies[1]


# -- faults --------------------------------------------------------------------------------------


def test_faults_are_rendered_in_salesforce_shapes():
    options = {"faults": 0.6, "slow_seconds": 0, "retry_after_seconds": 7}
    with serve(tiny_company(accounts=10), **options) as server:
        client = Client(server.url)
        while client.login().status_code != 200:
            pass
        before = dict(server.sandbox.fault_counts)
        seen: dict[str, int] = {}
        for _ in range(150):
            try:
                response = client.get(f"{V}/query", q="SELECT Id FROM User")
            except requests.exceptions.ChunkedEncodingError:
                seen["truncated"] = seen.get("truncated", 0) + 1
                continue
            kind = {200: "ok", 403: "rate_limited", 500: "server_error", 502: "bad_gateway"}.get(
                response.status_code, "unavailable"
            )
            if kind == "ok" and not response.text.rstrip().endswith("}"):
                kind = "broken_json"  # a whole 200 whose body is not JSON
            seen[kind] = seen.get(kind, 0) + 1
            if kind == "broken_json":
                continue
            assert "Sforce-Limit-Info" in response.headers
            if response.status_code == 403:
                assert error_code(response) == "REQUEST_LIMIT_EXCEEDED"
                assert "Retry-After" not in response.headers  # Salesforce sends none
            elif response.status_code == 500:
                assert error_code(response) == "UNKNOWN_EXCEPTION"
            elif response.status_code == 502:
                assert response.headers["Content-Type"].startswith("text/html")
            elif response.status_code == 503:
                assert error_code(response) == "SERVER_UNAVAILABLE"
                assert response.headers["Retry-After"] == "7"
        after = server.sandbox.fault_counts
    drawn = {kind: n - before.get(kind, 0) for kind, n in after.items()}
    assert {kind for kind, n in drawn.items() if n} == {
        "rate_limited",
        "server_error",
        "bad_gateway",
        "unavailable",
        "truncated",
        "broken_json",
        "slow",
    }
    # Each drawn fault got its own rendering; "slow" ones answer normally, only late.
    kinds = (
        "rate_limited",
        "server_error",
        "bad_gateway",
        "unavailable",
        "truncated",
        "broken_json",
    )
    for kind in kinds:
        assert seen.get(kind, 0) == drawn[kind], kind
    assert seen["ok"] == 150 - sum(n for kind, n in drawn.items() if kind != "slow")
