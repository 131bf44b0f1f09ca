"""Where the Salesforce client sends its requests, given a login URL and the returned instance.

Salesforce's token endpoint answers with an `instance_url` that is a bare origin
(`https://acme.my.salesforce.com`); the login URL is `https://login.salesforce.com`, a sandbox
org's `https://test.salesforce.com` or a My Domain, written with or without a trailing slash.
The sandbox behaves the same way (its origin is both), so every request must land on a served
path at the first try: no doubled slash, no redirect, no path of the client's own invention.
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

import pytest
import requests

from pipelines.salesforce.client import SalesforceClient
from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from tests.salesforce_fixtures import sandbox_rows, tiny_company
from tests.sandbox_helpers import serve


@pytest.mark.parametrize("login_suffix", ["", "/"])
def test_requests_go_to_the_login_url_then_the_instance_origin(login_suffix, monkeypatch):
    with serve(tiny_company()) as server:
        client = SalesforceClient(
            server.url + login_suffix, **SANDBOX_CREDENTIALS["salesforce"], page_size=200
        )
        sent: list[requests.Response] = []
        send = client.session.send

        def record(request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
            response = send(request, **kwargs)
            sent.append(response)
            return response

        monkeypatch.setattr(client.session, "send", record)
        rows = [
            row for page in client.query_all("SELECT Id FROM Contact", "Contact") for row in page
        ]
        expected = sandbox_rows(server.sandbox, "Contact")

    assert client.instance_url == server.url
    assert {row["Id"] for row in rows} == set(expected)
    origin = urlsplit(server.url)
    paths = []
    for response in sent:
        url = urlsplit(response.url)
        assert (url.scheme, url.netloc) == (origin.scheme, origin.netloc), response.url
        assert response.status_code == 200 and not response.history, response.url
        paths.append(url.path)
    # The login, the first page, then each further page of 200 by its nextRecordsUrl.
    assert paths[:2] == ["/services/oauth2/token", "/services/data/v59.0/queryAll"]
    assert len(expected) > 200 and len(paths) == 1 + math.ceil(len(expected) / 200)
    assert all(p.startswith("/services/data/v59.0/queryAll/01g") for p in paths[2:]), paths
