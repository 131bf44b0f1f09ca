"""The shared no-progress guard, alone and around dlt's paginators, against scripted answers."""

from __future__ import annotations

from typing import Any

import pytest
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import (
    JSONLinkPaginator,
    JSONResponseCursorPaginator,
)

from pipelines.common.paging import GuardedPaginator, ProgressGuard, StuckPaginationError
from tests.scripted_http import Answer, Scripted, scripted_session

BASE = "https://api.test"

# --- ProgressGuard, as hand-written loops use it -----------------------------------------------


def test_advancing_cursors_pass():
    guard = ProgressGuard("Vendor", "things")
    for cursor in ("a", "b", "c"):
        guard.check_next(cursor, items=10)


def test_a_repeated_cursor_fails_with_one_line_naming_endpoint_and_cursor():
    guard = ProgressGuard("Vendor", "things")
    guard.check_next("a", items=10)
    guard.check_next("b", items=10)
    with pytest.raises(StuckPaginationError) as failure:
        guard.check_next("a", items=10)
    message = str(failure.value)
    assert message.startswith("Vendor things repeats the cursor a it was already asked with")
    assert "\n" not in message


def test_a_missing_next_cursor_after_the_first_page_starts_over_and_fails():
    # hasNextPage with endCursor null would ask for the first page again.
    guard = ProgressGuard("Vendor", "things")
    with pytest.raises(StuckPaginationError, match="repeats the cursor None"):
        guard.check_next(None, items=10)


def test_a_continued_connection_may_not_point_back_at_its_start():
    guard = ProgressGuard("Vendor", "issue.history", start="c0")
    with pytest.raises(StuckPaginationError, match=r"issue\.history repeats the cursor c0"):
        guard.check_next("c0", items=3)


def test_an_empty_page_with_a_next_cursor_fails():
    guard = ProgressGuard("Vendor", "things")
    with pytest.raises(StuckPaginationError, match="answered an empty page still pointing at a"):
        guard.check_next("a", items=0)


def test_tolerated_empty_pages_in_a_row_then_failure():
    guard = ProgressGuard("Vendor", "things", empty_pages_allowed=2)
    guard.check_next("a", items=0)
    guard.check_next("b", items=0)
    guard.check_next("c", items=1)  # a page with records starts the count again
    guard.check_next("d", items=0)
    guard.check_next("e", items=0)
    with pytest.raises(StuckPaginationError, match="3 empty pages in a row"):
        guard.check_next("f", items=0)


# --- GuardedPaginator around dlt's paginators, over a scripted transport ------------------------


def paginate(
    answer: Answer, paginator: GuardedPaginator, **params: Any
) -> tuple[list[list[Any]], Scripted, StuckPaginationError | None]:
    """The pages read, the requests made, and the guard's error if it stopped the loop."""
    session, transport = scripted_session(BASE, answer)
    client = RESTClient(base_url=BASE, session=session)
    pages: list[list[Any]] = []
    try:
        for page in client.paginate("/items", params=params, paginator=paginator):
            pages.append(list(page))
    except StuckPaginationError as error:
        return pages, transport, error
    return pages, transport, None


def cursor_paginator(empty_pages_allowed: int = 0) -> GuardedPaginator:
    inner = JSONResponseCursorPaginator(cursor_path="next", cursor_param="cursor")
    return GuardedPaginator(inner, "Vendor", "items", empty_pages_allowed)


def test_a_cursor_chain_is_followed_to_its_documented_end():
    chain = {None: ("a", [1, 2]), "a": ("b", [3]), "b": ("", [4])}

    def answer(path: str, query: dict[str, str]) -> dict[str, Any]:
        cursor, items = chain[query.get("cursor")]
        return {"items": items, "next": cursor}

    pages, transport, error = paginate(answer, cursor_paginator())
    assert error is None
    assert pages == [[1, 2], [3], [4]]
    assert len(transport.asked) == 3


def test_a_cursor_answered_with_itself_stops_before_asking_again():
    def answer(path: str, query: dict[str, str]) -> dict[str, Any]:
        return {"items": [1], "next": query.get("cursor") or "a"}

    pages, transport, error = paginate(answer, cursor_paginator())
    assert error is not None
    assert str(error).startswith("Vendor items repeats the cursor a ")
    # The first page, then the page asked with "a" that named "a" again: nothing more.
    assert [url.rsplit("/", 1)[-1] for url in transport.asked] == ["items", "items?cursor=a"]
    assert pages == [[1]]


def test_a_next_link_equal_to_the_request_fails_on_the_first_page():
    def answer(path: str, query: dict[str, str]) -> dict[str, Any]:
        # The same request, its query in another order.
        return {"items": [1], "next_page": f"{BASE}/items?per_page=5&start_time=10"}

    paginator = GuardedPaginator(JSONLinkPaginator(next_url_path="next_page"), "Vendor", "items")
    _, transport, error = paginate(answer, paginator, start_time=10, per_page=5)
    assert "repeats the cursor https://api.test/items?per_page=5&start_time=10 " in str(error)
    assert len(transport.asked) == 1


def test_an_empty_page_with_a_next_cursor_fails_unless_tolerated():
    chain = {None: ("a", []), "a": ("", [7])}

    def answer(path: str, query: dict[str, str]) -> dict[str, Any]:
        cursor, items = chain[query.get("cursor")]
        return {"items": items, "next": cursor}

    _, _, error = paginate(answer, cursor_paginator())
    assert "answered an empty page still pointing at a next page (cursor a)" in str(error)
    pages, _, error = paginate(answer, cursor_paginator(empty_pages_allowed=1))
    assert error is None
    assert pages == [[], [7]]


def test_the_documented_end_wins_over_a_repeated_cursor():
    # Zendesk's list endpoints name a cursor on their last page too; `has_more: false` ends it.
    def answer(path: str, query: dict[str, str]) -> dict[str, Any]:
        last = query.get("cursor") == "a"
        return {"items": [1], "meta": {"after": "a", "has_more": not last}}

    inner = JSONResponseCursorPaginator(
        cursor_path="meta.after", cursor_param="cursor", has_more_path="meta.has_more"
    )
    pages, transport, error = paginate(answer, GuardedPaginator(inner, "Vendor", "items"))
    assert error is None
    assert pages == [[1], [1]]
    assert len(transport.asked) == 2
