"""The shared retry policy: a JSON body cut short or broken is retried like a dropped connection."""

from __future__ import annotations

import pytest
import requests

from pipelines.common.http import retry_unparsable_body


def response(status: int, body: bytes, content_type: str = "application/json") -> requests.Response:
    made = requests.Response()
    made.status_code = status
    made._content = body
    made.headers["Content-Type"] = content_type
    return made


@pytest.mark.parametrize(
    ("made", "retry"),
    [
        (response(200, b'{"tickets": [{"id": 1}, {"id"'), True),
        (response(200, b'{"data": [0, 0, 0'), True),
        (response(200, b'{"tickets": []}\n'), False),
        (response(200, b"[1, 2]"), False),
        # not JSON by its content type: not ours to judge
        (response(200, b"<html>", "text/html"), False),
        # error statuses are the status policy's business
        (response(500, b'{"error": '), False),
    ],
)
def test_retry_unparsable_body(made, retry):
    assert retry_unparsable_body(made, None) is retry


def test_json_decode_error_is_retried():
    error = requests.JSONDecodeError("Expecting value", "{", 1)
    assert retry_unparsable_body(None, error) is True
