"""A scripted HTTP transport for unit tests of paging: each request answered by a function."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter

# (path, query) -> the JSON body to answer with.
Answer = Callable[[str, dict[str, str]], Any]
# More requests than any scripted test needs: a loop that got this far would never end.
MAX_REQUESTS = 50


class Scripted(BaseAdapter):
    """Answers each request with `answer(path, query)` as JSON and records what was asked."""

    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self.answer = answer
        self.asked: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.asked.append(request.url or "")
        assert len(self.asked) <= MAX_REQUESTS, f"still paging after {MAX_REQUESTS} requests"
        parts = urlsplit(request.url or "")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(self.answer(parts.path, query)).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def scripted_session(base_url: str, answer: Answer) -> tuple[requests.Session, Scripted]:
    """A session whose requests under `base_url` go to a `Scripted` transport."""
    transport = Scripted(answer)
    session = requests.Session()
    session.mount(base_url, transport)
    return session, transport
