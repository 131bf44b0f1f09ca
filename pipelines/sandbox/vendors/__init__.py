"""The four vendor APIs as Flask blueprints: Salesforce at the root, the others under a prefix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint

if TYPE_CHECKING:
    from pipelines.sandbox.server import Sandbox


def blueprints(sandbox: Sandbox) -> list[Blueprint]:
    from pipelines.sandbox.vendors import linear, salesforce, slack, zendesk

    return [module.create_blueprint(sandbox) for module in (linear, slack, zendesk, salesforce)]
