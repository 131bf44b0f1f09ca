"""The sandbox's Zendesk Support API: `/zendesk` stands for `https://{subdomain}.zendesk.com`.

Auth is Basic `{email}/token:{api_token}`; anything else gets 401 `{"error": "Couldn't authenticate
you"}`. Errors use Zendesk's `{"error", "description"}` shape (404 RecordNotFound, 400
InvalidPaginationParameter, 422 InvalidValue such as a too recent `start_time`). Every response
carries the account budget (`X-Rate-Limit`, `X-Rate-Limit-Remaining`), incremental exports their own
(`Zendesk-RateLimit-incremental-exports: total=10; remaining=N; resets=S`); the sandbox does not
enforce them (its fault injector produces the 429s, with `Retry-After`).

Incremental exports serve the company as it was one minute before the clock (Zendesk leaves out the
last minute so the export is complete up to its horizon) and refuse a `start_time` newer than that.
Paging rules live in `zendesk_paging`, rendering in `zendesk_wire`, indexes in `zendesk_store`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, jsonify, request

from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from pipelines.sandbox.vendors.common import guard, stick_cursors
from pipelines.sandbox.vendors.zendesk_paging import (
    EXPORT_PAGE_LIMIT,
    ApiError,
    Slice,
    clamp,
    decode_export_cursor,
    encode_export_cursor,
    export_slice,
    int_arg,
    list_page,
    page_url,
    time_slice,
)
from pipelines.sandbox.vendors.zendesk_store import (
    ZendeskStore,
    from_micros,
    micros,
)
from pipelines.sandbox.vendors.zendesk_wire import (
    render,
    render_comment,
    render_export_ticket,
    render_holiday,
    render_ticket_event,
    wire,
)

if TYPE_CHECKING:
    from pipelines.sandbox.server import Sandbox

PREFIX = "/zendesk"
EXPORT_LAG = timedelta(minutes=1)
INCREMENTAL_BUDGET = 10  # requests per minute on incremental exports
ACCOUNT_BUDGET = 700  # requests per minute on the rest of the API (Enterprise plan)

_FAULTS = {
    "rate_limited": (429, "TooManyRequests", "You have exceeded the rate limit"),
    "server_error": (500, "InternalError", "An internal error occurred, please retry"),
    "unavailable": (503, "ServiceUnavailable", "Zendesk is temporarily unavailable"),
}
# A gateway error comes from the load balancer in front of Zendesk: HTML, not the API's JSON.
_BAD_GATEWAY_HTML = (
    "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
)


def _authenticate() -> Response | None:
    creds = SANDBOX_CREDENTIALS["zendesk"]
    auth = request.authorization
    if (
        auth is not None
        and auth.type == "basic"
        and auth.username == f"{creds['email']}/token"
        and auth.password == creds["api_token"]
    ):
        return None
    response = jsonify(error="Couldn't authenticate you")
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Basic realm="Web Password"'
    return response


def _fault_renderer(sandbox: Sandbox) -> Callable[[str], Response]:
    def render_fault(kind: str) -> Response:
        if kind == "bad_gateway":
            return Response(_BAD_GATEWAY_HTML, status=502, content_type="text/html")
        status, error, description = _FAULTS[kind]
        response = jsonify(error=error, description=description)
        response.status_code = status
        if status in (429, 503):
            response.headers["Retry-After"] = str(sandbox.options.retry_after_seconds)
        return response

    return render_fault


class _RateLimitHeaders:
    """Budget headers on every response: a countdown per window of requests, deterministic."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._counters = {True: itertools.count(), False: itertools.count()}
        self._lock = threading.Lock()

    def __call__(self, response: Response) -> Response:
        incremental = "/incremental/" in request.path
        total = INCREMENTAL_BUDGET if incremental else ACCOUNT_BUDGET
        with self._lock:
            served = next(self._counters[incremental])
        if response.status_code == 429:
            remaining, resets = 0, self._sandbox.options.retry_after_seconds
        else:
            remaining, resets = total - 1 - served % total, 60
        if incremental:
            response.headers["Zendesk-RateLimit-incremental-exports"] = (
                f"total={total}; remaining={remaining}; resets={resets}"
            )
        else:
            response.headers["X-Rate-Limit"] = str(total)
            response.headers["X-Rate-Limit-Remaining"] = str(remaining)
        return response


class _ZendeskApi:
    """The endpoints, reading the company through the store at the sandbox's clock."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.store = ZendeskStore(sandbox.company)

    # --- helpers --------------------------------------------------------------------------

    @staticmethod
    def api_url() -> str:
        return f"{request.host_url.rstrip('/')}{PREFIX}/api/v2"

    def horizon(self) -> datetime:
        return self.sandbox.now - EXPORT_LAG

    @staticmethod
    def start_time(horizon: datetime) -> int:
        raw = request.args.get("start_time")
        if raw in (None, ""):
            raise ApiError(422, "InvalidValue", "start_time is required")
        try:
            start_time = int(raw)  # type: ignore[arg-type]
        except ValueError:
            raise ApiError(422, "InvalidValue", f"start_time must be an integer: {raw}") from None
        if start_time < 0:
            raise ApiError(422, "InvalidValue", "start_time must be 0 or more")
        if start_time > int(horizon.timestamp()):
            raise ApiError(
                422, "InvalidValue", "Too recent start_time. Use a start_time older than 1 minute"
            )
        return start_time

    @staticmethod
    def includes() -> set[str]:
        return {part for part in request.args.get("include", "").split(",") if part}

    # --- incremental exports --------------------------------------------------------------

    def cursor_export(self, entity: str) -> dict[str, Any]:
        """`/incremental/{tickets,users}/cursor`: cursor pages, `end_of_stream`, resumable."""
        horizon = self.horizon()
        view = self.store.view(entity, horizon, "changed")
        per_page = clamp(int_arg(request.args, "per_page", EXPORT_PAGE_LIMIT), EXPORT_PAGE_LIMIT)
        cursor = request.args.get("cursor")
        # A start_time position sits before every id at that second (ids start at 1).
        position = (
            decode_export_cursor(cursor) if cursor else (self.start_time(horizon) * 1_000_000, 0)
        )
        page = export_slice(view.keys, position, per_page)
        api_url = self.api_url()
        items = []
        for index in range(page.begin, page.end):
            payload = view.state(index)
            if entity == "tickets":
                changed_at = from_micros(view.keys[index][0])
                items.append(render_export_ticket(payload, changed_at, api_url))
            else:
                items.append(render(entity, payload, api_url))
        after = encode_export_cursor(view.keys[page.end - 1] if page.end > page.begin else position)
        body: dict[str, Any] = {entity: items}
        if entity == "tickets" and "metric_sets" in self.includes():
            body["metric_sets"] = self.metric_sets(items, horizon, api_url)
        params = {"per_page": per_page, "include": request.args.get("include"), "cursor": after}
        body |= {
            "after_url": page_url(request.base_url, params),
            "after_cursor": after,
            "before_url": None,
            "before_cursor": None,
            "end_of_stream": page.end >= len(view.keys),
        }
        return body

    def metric_sets(
        self, tickets: list[dict[str, Any]], at: datetime, api_url: str
    ) -> list[dict[str, Any]]:
        by_ticket = self.store.by_ticket("ticket_metrics")
        sets = []
        for ticket in tickets:
            for record in by_ticket.get(ticket.get("id"), ()):
                state = record.state_at(at)
                if state is not None:
                    sets.append(render("ticket_metrics", state, api_url))
        return sets

    def time_export(
        self,
        entity: str,
        data_key: str,
        render_item: Callable[[dict[str, Any]], Any],
        end_of_stream: bool = True,
    ) -> dict[str, Any]:
        """`/incremental/{organizations,ticket_events,...}?start_time=`: overlapping pages.

        Every page has a `next_page`, the last one too. `end_of_stream` only where the OpenAPI
        document declares it: `ticket_metric_events` has none, so a client that waits for it
        asks again for ever (the last page's `next_page` repeats its own `start_time`).
        """
        horizon = self.horizon()
        start_time = self.start_time(horizon)
        view = self.store.view(entity, horizon, "changed")
        per_page = clamp(int_arg(request.args, "per_page", EXPORT_PAGE_LIMIT), EXPORT_PAGE_LIMIT)
        page = time_slice(view.keys, start_time, per_page)
        params = {
            "start_time": page.end_time,
            "per_page": request.args.get("per_page"),
            "include": request.args.get("include"),
        }
        body = {
            data_key: [render_item(view.state(index)) for index in range(page.begin, page.end)],
            "next_page": page_url(request.base_url, params),
            "count": page.count,
            "end_time": page.end_time,
        }
        if end_of_stream:
            body["end_of_stream"] = page.end >= len(view.keys)
        return body

    def tickets(self) -> Any:
        return jsonify(self.cursor_export("tickets"))

    def users(self) -> Any:
        return jsonify(self.cursor_export("users"))

    def organizations(self) -> Any:
        api_url = self.api_url()
        body = self.time_export(
            "organizations", "organizations", lambda state: render("organizations", state, api_url)
        )
        return jsonify(body)

    def ticket_events(self) -> Any:
        comments = "comment_events" in self.includes()
        body = self.time_export(
            "ticket_audits", "ticket_events", lambda state: render_ticket_event(state, comments)
        )
        return jsonify(body)

    def ticket_metric_events(self) -> Any:
        """Time-based export, or cursor pages (`page[size]` up to 100) from `start_time`."""
        if not any(name.startswith("page[") for name in request.args):
            body = self.time_export(
                "ticket_metric_events", "ticket_metric_events", wire, end_of_stream=False
            )
            return jsonify(body)
        horizon = self.horizon()
        start_time = self.start_time(horizon)
        view = self.store.view("ticket_metric_events", horizon, "changed")
        window = Slice(view.index_from((start_time * 1_000_000,)), len(view.keys))
        body = list_page(
            request.args,
            request.base_url,
            "ticket_metric_events",
            view.keys,
            lambda index: wire(view.state(index)),
            window=window,
            extra_params={"start_time": start_time},
        )
        return jsonify(body)

    # --- lists ----------------------------------------------------------------------------

    def id_list(self, entity: str, keep: Callable[[dict[str, Any]], bool] | None = None) -> Any:
        """A list endpoint in id order (groups, ticket metrics), optionally filtered."""
        view = self.store.view(entity, self.sandbox.now, "id")
        indexes = list(range(len(view.keys)))
        if keep is not None:
            indexes = [index for index in indexes if keep(view.state(index))]
        api_url = self.api_url()
        body = list_page(
            request.args,
            request.base_url,
            entity,
            [view.keys[index] for index in indexes],
            lambda position: render(entity, view.state(indexes[position]), api_url),
        )
        return jsonify(body)

    def groups(self) -> Any:
        # Deleted groups are listed (with `deleted: true`) unless the client excludes them.
        if request.args.get("exclude_deleted") in ("true", "1"):
            return self.id_list("groups", lambda group: not group.get("deleted"))
        return self.id_list("groups")

    def ticket_metrics(self) -> Any:
        return self.id_list("ticket_metrics")

    def satisfaction_ratings(self) -> Any:
        """Ordered by last update; `start_time`/`end_time` (epoch) filter on it."""
        view = self.store.view("satisfaction_ratings", self.sandbox.now, "changed")
        start_time = int_arg(request.args, "start_time", 0)
        end_time = int_arg(request.args, "end_time", -1)
        end = view.index_from((end_time * 1_000_000,)) if end_time >= 0 else len(view.keys)
        window = Slice(view.index_from((start_time * 1_000_000,)), end)
        api_url = self.api_url()
        body = list_page(
            request.args,
            request.base_url,
            "satisfaction_ratings",
            view.keys,
            lambda index: render("satisfaction_ratings", view.state(index), api_url),
            window=window,
            extra_params={
                "start_time": request.args.get("start_time"),
                "end_time": request.args.get("end_time"),
            },
        )
        return jsonify(body)

    def visible(self, entity: str) -> list[dict[str, Any]]:
        view = self.store.view(entity, self.sandbox.now, "id")
        return [view.state(index) for index in range(len(view.keys))]

    def sla_policies(self) -> Any:
        api_url = self.api_url()
        policies = sorted(
            self.visible("sla_policies"), key=lambda policy: policy.get("position") or 0
        )
        return jsonify(
            sla_policies=[render("sla_policies", policy, api_url) for policy in policies],
            next_page=None,
            previous_page=None,
            count=len(policies),
        )

    def schedules(self) -> Any:
        return jsonify(schedules=[wire(schedule) for schedule in self.visible("schedules")])

    def holidays(self, schedule_id: int) -> Any:
        if self.store.find("schedules", schedule_id, self.sandbox.now) is None:
            raise ApiError(404, "RecordNotFound", "Not found")
        holidays = [
            render_holiday(holiday)
            for holiday in self.visible("holidays")
            if holiday.get("schedule_id") == schedule_id
        ]
        return jsonify(holidays=holidays)

    # --- per ticket (SDK-style clients) ---------------------------------------------------

    def ticket_audits(self, ticket_id: int) -> list[dict[str, Any]]:
        now = self.sandbox.now
        if self.store.find("tickets", ticket_id, now) is None:
            raise ApiError(404, "RecordNotFound", "Not found")
        records = self.store.by_ticket("ticket_audits").get(ticket_id, ())
        return [state for record in records if (state := record.state_at(now)) is not None]

    def audits(self, ticket_id: int) -> Any:
        audits = self.ticket_audits(ticket_id)
        keys = [(micros(audit["created_at"]), audit["id"]) for audit in audits]
        body = list_page(
            request.args, request.base_url, "audits", keys, lambda index: wire(audits[index])
        )
        return jsonify(body)

    def comments(self, ticket_id: int) -> Any:
        entries = [
            ((micros(audit["created_at"]), event.get("id")), render_comment(event, audit))
            for audit in self.ticket_audits(ticket_id)
            for event in audit.get("events") or []
            if event.get("type") == "Comment"
        ]
        keys = [key for key, _ in entries]
        body = list_page(
            request.args, request.base_url, "comments", keys, lambda index: entries[index][1]
        )
        return jsonify(body)

    @staticmethod
    def not_found(rest: str) -> Any:
        raise ApiError(404, "RecordNotFound", "Not found")


def _stick_cursor(body: dict[str, Any]) -> bool:
    """`--stuck-cursor zendesk`: a page names the request that fetched it as the next one.

    Time-based exports (every request carries its position, `start_time`) from the first page;
    cursor exports and cursor-paginated lists from the first page asked for with a cursor.
    """
    args = request.args
    if "end_time" in body and "next_page" in body:
        body |= {"next_page": request.url, "end_time": int(args["start_time"])}
        if "end_of_stream" in body:
            body["end_of_stream"] = False
        return True
    if "after_cursor" in body and args.get("cursor"):
        body |= {"after_cursor": args["cursor"], "after_url": request.url, "end_of_stream": False}
        return True
    if isinstance(body.get("meta"), dict) and args.get("page[after]"):
        body["meta"] |= {"has_more": True, "after_cursor": args["page[after]"]}
        body["links"]["next"] = request.url
        return True
    return False


def _api_error(error: ApiError) -> Response:
    response = jsonify(error.body)
    response.status_code = error.status
    return response


def create_blueprint(sandbox: Sandbox) -> Blueprint:
    blueprint = Blueprint("zendesk", __name__, url_prefix=PREFIX)
    guard(blueprint, sandbox, "zendesk", _authenticate, _fault_renderer(sandbox))
    blueprint.after_request(_RateLimitHeaders(sandbox))
    stick_cursors(blueprint, sandbox, "zendesk", _stick_cursor)
    blueprint.register_error_handler(ApiError, _api_error)
    api = _ZendeskApi(sandbox)

    def get(rule: str, view: Callable[..., Any]) -> None:
        # Zendesk answers with and without the `.json` suffix.
        for suffix in (".json", ""):
            endpoint = f"{rule}{suffix}".replace(".", "_")
            blueprint.add_url_rule(f"/api/v2/{rule}{suffix}", endpoint, view)

    get("incremental/tickets/cursor", api.tickets)
    get("incremental/users/cursor", api.users)
    get("incremental/organizations", api.organizations)
    get("incremental/ticket_events", api.ticket_events)
    get("incremental/ticket_metric_events", api.ticket_metric_events)
    get("groups", api.groups)
    get("ticket_metrics", api.ticket_metrics)
    get("satisfaction_ratings", api.satisfaction_ratings)
    get("slas/policies", api.sla_policies)
    get("business_hours/schedules", api.schedules)
    get("business_hours/schedules/<int:schedule_id>/holidays", api.holidays)
    get("tickets/<int:ticket_id>/audits", api.audits)
    get("tickets/<int:ticket_id>/comments", api.comments)
    blueprint.add_url_rule("/<path:rest>", "not_found", api.not_found)
    return blueprint
