"""The review end to end on a tiny warehouse: fixture changes to a copy of the project, each
reviewed against the copy's main (built once per module and reused by every review)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipelines.sandbox.server import Sandbox, SandboxOptions, SandboxServer
from review import build
from review import manifest as mf
from review.__main__ import main
from review.report import LIMIT, render
from review.run import Review, review_change
from tests.loading import AS_OF, REPO_ROOT, load_from

pytestmark = pytest.mark.slow

VARS = f'{{as_of: "{AS_OF}"}}'


def git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def raw(small_company, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("raw") / "raw.duckdb"
    with SandboxServer(Sandbox(small_company, SandboxOptions(seed=7))) as server:
        load_from(server, path)
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The working tree's project files in a fresh repository whose main is that state."""
    root = tmp_path_factory.mktemp("project")
    files = git(REPO_ROOT, "ls-files", "-co", "--exclude-standard").splitlines()
    for name in files:
        source = REPO_ROOT / name
        if name.startswith(".venv") or not source.is_file():
            continue
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    return root


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("review")


@pytest.fixture
def change(project) -> Iterator[Callable[[str, str, str], None]]:
    """Edit a file of the project copy (one regex substitution that must apply exactly once);
    the copy is restored to main afterwards."""

    def edit(path: str, pattern: str, replacement: str) -> None:
        target = project / path
        text, count = re.subn(pattern, replacement, target.read_text())
        assert count == 1, f"{pattern!r} matched {count} times in {path}"
        target.write_text(text)

    yield edit
    git(project, "checkout", "-q", "--", ".")


def cli_arguments(project: Path, raw: Path, workdir: Path, output: Path) -> list[str]:
    """`python -m review`'s arguments for the test project, its raw data and scratch folder."""
    settings = {
        "--project-dir": str(project),
        "--warehouse": str(raw),
        "--workdir": str(workdir),
        "--vars": VARS,
        "--output": str(output),
    }
    return [word for pair in settings.items() for word in pair]


def run(project: Path, raw: Path, workdir: Path, failing: str = "") -> tuple[Review, str]:
    """Review the copy; the build must pass, or, when `failing` is given, fail and only in
    tests whose names contain it."""
    review, _ = review_change(project, "main", raw, workdir, VARS)
    if failing:
        assert review.build_error and review.failures, "the change was expected to fail tests"
        assert all(u.startswith("test.") and failing in u for u, _ in review.failures), (
            review.failures
        )
    else:
        assert review.build_error is None, review.build_error
    text = render(review)
    assert len(text) < LIMIT
    assert text == render(review), "the report is deterministic"
    return review, text


def test_private_comments_counted_as_replies(project, raw, workdir, change):
    # The agent-reply rule loses its public condition: internal notes now count as replies.
    change(
        "models/intermediate/support/int_ticket_replies_identified.sql",
        r"(\w+\.)?is_public\s+and\s+(?=users\.user_role in)",
        "",
    )
    # ... and, as a real change would, its unit test expects the private note to count.
    change(
        "models/intermediate/support/_support__models.yml",
        r"\{comment_id: 3, comment_number: 3, is_agent_reply: false,",
        "{comment_id: 3, comment_number: 3, is_agent_reply: true,",
    )
    # Our first reply now disagrees with Zendesk's own for some tickets, and the reconciliation
    # marts say so: their "every difference is explained" tests fail, as they should.
    review, text = run(project, raw, workdir, failing="is_explained")
    assert any("fct_ticket_metric_reconciliation_is_explained" in u for u, _ in review.failures)
    assert "**The build failed:**" in text
    tickets = next(d for d in review.table_diffs if d.name == "fct_support_tickets")
    columns = {c.name: c for c in tickets.columns}
    assert tickets.key == ["ticket_id"] and tickets.changed > 0
    assert tickets.added == tickets.removed == 0
    # A note before the first public reply makes the first reply earlier, never later, and
    # every counted note adds a reply.
    first_reply = columns["first_reply_minutes"]
    assert first_reply.mean_after < first_reply.mean_before
    assert columns["agent_reply_count"].mean_after > columns["agent_reply_count"].mean_before
    assert "first_reply_at" in columns
    assert "`fct_support_tickets`" in text and "`first_reply_minutes`" in text
    assert "Weekly support and engineering review reads changed mart(s)" in text
    head = mf.load(workdir / "head-target" / "manifest.json")
    fed = {name for name, read in review.metrics.items() if any(".first_reply" in c for c in read)}
    if any(
        "first_reply" in column
        for s in mf.semantic_model_of(head, tickets_id(head))
        for column in mf.measure_columns(head, s, head["nodes"][tickets_id(head)]["columns"])
    ):
        assert fed, "metrics fed by the first-reply columns are named"
        assert all(f"`{name}`" in text for name in fed)
        if mf.by_name(head, mf.METRICS_WEEKLY):
            assert fed & set(review.metric_changes), "their weekly values moved"
    else:
        assert "no metric" in text.lower()


def tickets_id(manifest) -> str:
    return mf.by_name(manifest, "fct_support_tickets")["unique_id"]


def test_description_only_change(project, raw, workdir, change):
    change(
        "models/marts/support/fct_support_tickets.yml",
        r"description: Minutes from creation to the first agent reply; null while no reply exists.",
        "description: Calendar minutes from creation to the first public agent reply.",
    )
    output = workdir / "description.md"
    assert main(cli_arguments(project, raw, workdir, output)) == 0
    text = output.read_text()
    assert "No data changed" in text
    assert "> before: Minutes from creation to the first agent reply; null while no reply" in text
    assert "> after: Calendar minutes from creation to the first public agent reply." in text
    assert "column first_reply_minutes" in text
    assert not any(u.startswith("model.") for u in build.executed(workdir / "head-target"))


def test_column_removed_from_contracted_mart(project, raw, workdir, change):
    mart = "models/marts/engineering/fct_issue_state_intervals"
    change(f"{mart}.sql", r"\n\s*intervals\.state_name,", "")
    change(f"{mart}.yml", r"\n\s*- name: state_name\n[^\n]*\n[^\n]*data_type: varchar", "")
    review, text = run(project, raw, workdir)
    first = text.split("## 1. What changed", 1)[1].strip().splitlines()[0]
    assert first == (
        "**Breaking contract change: `fct_issue_state_intervals`: column state_name removed.**"
    )
    diff = next(d for d in review.table_diffs if d.name == "fct_issue_state_intervals")
    assert diff.columns_removed == ["state_name"] and diff.changed == 0
    assert "- The Engineering dashboard reads changed mart(s) `fct_issue_state_intervals`." in text


def test_staging_change_rebuilds_only_its_descendants(project, raw, workdir, change):
    change(
        "models/staging/zendesk/stg_zendesk__groups.sql",
        r"select \* from final\s*$",
        "select * from final\n-- groups as Zendesk lists them\n",
    )
    review, _ = run(project, raw, workdir)
    head = mf.load(workdir / "head-target" / "manifest.json")
    changed = mf.by_name(head, "stg_zendesk__groups")["unique_id"]
    expected = {changed} | {u for u in mf.descendants(head, [changed]) if u.startswith("model.")}
    ran = {u for u in build.executed(workdir / "head-target") if u.startswith("model.")}
    assert ran == expected
    assert len(ran) < len(mf.models(head)) / 2
    assert review.roots == [changed]


def test_strict_fails_on_a_broken_governance_rule(project, raw, workdir, change):
    # A mart column loses its description: the build passes, the rule does not.
    change(
        "models/marts/engineering/fct_issue_state_intervals.yml",
        r"(- name: state_name\n)\s*description: [^\n]*\n",
        r"\1",
    )
    arguments = cli_arguments(project, raw, workdir, workdir / "strict.md")
    assert main(arguments) == 0
    text = (workdir / "strict.md").read_text()
    assert (
        "- column description: fct_issue_state_intervals: column state_name has no description"
        in text
    )
    assert main([*arguments, "--strict"]) == 1
