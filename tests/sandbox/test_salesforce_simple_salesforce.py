"""simple-salesforce, the library most Salesforce code uses, pages through the sandbox over https.

It talks only https, so a second server runs with a throwaway certificate. The client trusts it
through its own session (`verify` set, `trust_env` off: REQUESTS_CA_BUNDLE, set on these
machines, would otherwise override `verify`), and takes the `instance_url` exactly as the token
endpoint returned it, as it would from a real org.
"""

from __future__ import annotations

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession, SalesforceMalformedRequest

from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from pipelines.sandbox.server import Sandbox, SandboxOptions, SandboxServer
from pipelines.sandbox.tls import throwaway_ssl_context
from tests.salesforce_fixtures import OBJECTS, sandbox_rows, tiny_company


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """(sandbox, https server, a requests session that trusts its certificate)."""
    cert_dir = tmp_path_factory.mktemp("tls")
    sandbox = Sandbox(tiny_company(), SandboxOptions(seed=1))
    with SandboxServer(sandbox, ssl_context=throwaway_ssl_context(cert_dir)) as server:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(cert_dir / "sandbox-cert.pem")
        yield sandbox, server, session


def connect(server, session) -> Salesforce:
    credentials = SANDBOX_CREDENTIALS["salesforce"]
    token = session.post(
        f"{server.url}/services/oauth2/token",
        data={"grant_type": "password", **credentials},
    )
    assert token.status_code == 200, token.text
    body = token.json()
    return Salesforce(
        session_id=body["access_token"],
        instance_url=body["instance_url"],
        session=session,
        version="59.0",
    )


def test_the_returned_instance_url_is_where_simple_salesforce_calls(tls):
    _, server, session = tls
    sf = connect(server, session)
    # simple-salesforce keeps host:port of the instance_url and calls https://<it>/services/...
    assert f"https://{sf.sf_instance}" == server.url
    assert sf.base_url == f"{server.url}/services/data/v59.0/"
    assert sf.query("SELECT Id FROM User")["totalSize"] > 0


@pytest.mark.parametrize("sobject", sorted(OBJECTS.values()))
def test_query_all_iter_pages_through_every_entity(tls, sobject):
    sandbox, server, session = tls
    sf = connect(server, session)
    records = list(
        sf.query_all_iter(
            f"SELECT Id, SystemModstamp FROM {sobject}",
            include_deleted=True,
            headers={"Sforce-Query-Options": "batchSize=200"},
        )
    )
    expected = sandbox_rows(sandbox, sobject)
    assert len(records) == len(expected)
    assert {r["Id"] for r in records} == set(expected)
    assert sf.api_usage["api-usage"].total == 15000


def test_query_all_hides_soft_deletes_unless_asked(tls):
    sandbox, server, session = tls
    sf = connect(server, session)
    live = sf.query_all("SELECT Id FROM Contact")
    everything = sf.query_all("SELECT Id FROM Contact", include_deleted=True)
    deleted = {i for i, row in sandbox_rows(sandbox, "Contact").items() if row["IsDeleted"]}
    assert live["totalSize"] == len(everything["records"]) - len(deleted)
    assert {r["Id"] for r in everything["records"]} - {r["Id"] for r in live["records"]} == deleted


def test_errors_map_to_simple_salesforce_exceptions(tls):
    _, server, session = tls
    sf = connect(server, session)
    with pytest.raises(SalesforceMalformedRequest) as bad_field:
        sf.query("SELECT Id, Nope FROM Account")
    assert bad_field.value.content[0]["errorCode"] == "INVALID_FIELD"
    expired = Salesforce(
        session_id="00D000000000000AAA!stale", instance=sf.sf_instance, session=session
    )
    with pytest.raises(SalesforceExpiredSession):
        expired.query("SELECT Id FROM User")
