"""Fixtures shared by the pytest suites: a small in-process sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipelines.sandbox.company import build_company
from pipelines.sandbox.server import Sandbox, SandboxOptions, SandboxServer

SMALL_SCALE = 0.05


@pytest.fixture(scope="session")
def small_company():
    return build_company(seed=7, scale=SMALL_SCALE)


@pytest.fixture
def sandbox_server(small_company) -> Iterator[SandboxServer]:
    with SandboxServer(Sandbox(small_company, SandboxOptions(seed=7))) as server:
        yield server
