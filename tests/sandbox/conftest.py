"""Fixtures for the company generator tests: companies built once per session."""

from __future__ import annotations

import pytest

from pipelines.sandbox.company import build_company


@pytest.fixture(scope="session")
def medium_company():
    """Large enough for shares and trends (a few thousand tickets), still fast."""
    return build_company(seed=11, scale=0.2)
