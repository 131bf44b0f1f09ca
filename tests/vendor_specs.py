"""The vendors' published API documents that the contract tests hold the sandbox against.

They are not in this repository: each is over 1 MB, and Zendesk's comes with no licence to
redistribute it. The project's reference material sits beside the clone as `../shared/specs`;
`VENDOR_SPECS_DIR` names another folder with the same layout. A contract test without its
document is skipped, and its reason says which file to put where and where to get it.
"""

from __future__ import annotations

import os
from pathlib import Path

SPECS_DIR = Path(
    os.environ.get("VENDOR_SPECS_DIR")
    or Path(__file__).resolve().parents[1].parent / "shared" / "specs"
)
LINEAR_SDL = SPECS_DIR / "linear" / "schema.graphql"
SLACK_OPENAPI = SPECS_DIR / "slack" / "slack_web_openapi_v2.json"
ZENDESK_OPENAPI = SPECS_DIR / "zendesk" / "openapi.yaml"

_SOURCES = {
    LINEAR_SDL: "github.com/linear/linear, packages/sdk/src/schema.graphql",
    SLACK_OPENAPI: "github.com/slackapi/slack-api-specs, web-api/slack_web_openapi_v2.json",
    ZENDESK_OPENAPI: "Zendesk's Support API OpenAPI document (developer.zendesk.com)",
}


def missing(spec: Path) -> str:
    """The one-line skip reason for a contract test whose document is absent."""
    return f"{spec} not found: save {_SOURCES[spec]} there, or set VENDOR_SPECS_DIR"
