"""Building blocks for the vendor tests' hand-built companies and in-process sandboxes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipelines.sandbox.company.clock import HORIZON, NOW, START
from pipelines.sandbox.company.model import ENTITIES, Company, Versioned
from pipelines.sandbox.server import Sandbox, SandboxOptions, SandboxServer

__all__ = ["HORIZON", "NOW", "START", "serve", "single_vendor_company"]


def single_vendor_company(
    vendor: str,
    tables: dict[str, list[Versioned]],
    seed: int = 0,
    facts: dict[str, Any] | None = None,
) -> Company:
    """A company on the generator's clock with hand-built records for one vendor.

    The other vendors' APIs are mounted on the same server too, so they get empty tables.
    """
    return Company(
        seed=seed,
        scale=0.0,
        start=START,
        now=NOW,
        horizon=HORIZON,
        tables={
            **{name: {entity: [] for entity in entities} for name, entities in ENTITIES.items()},
            vendor: tables,
        },
        facts=facts or {},
    )


@contextmanager
def serve(company: Company, **options: Any) -> Iterator[SandboxServer]:
    """An in-process sandbox on a free port (fault draws seeded by the company's seed)."""
    options.setdefault("seed", company.seed)
    with SandboxServer(Sandbox(company, SandboxOptions(**options))) as server:
        yield server
