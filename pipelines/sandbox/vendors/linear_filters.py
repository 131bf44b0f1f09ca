"""Linear's `filter` arguments, compiled once per request into a predicate over records.

A filter follows the schema's input types:
- a comparator (`StringComparator`, `DateComparator`, `NullableNumberComparator`, ...) applies to
  the record's field of the same name; dates accept ISO timestamps or durations (`-P1D`);
- a relation's filter (`state: WorkflowStateFilter`, `assignee: NullableUserFilter`) applies to
  the related record, and `null: true` asks for its absence;
- a collection's filter (`labels: IssueLabelCollectionFilter`) applies to the records of that
  connection: `some`, `every`, `length`, and its own fields mean "some";
- `and` / `or` combine filters (and `EstimateComparator`s).
What the company does not model is filtered on what the API serves for it: a null, the neutral
value of a non-null scalar, an empty collection, no relation (`has...Relations` is false). As in
Linear, a null matches no comparison but `null: true`.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)

from pipelines.sandbox.company.model import Payload
from pipelines.sandbox.vendors.linear_defaults import neutral_scalar
from pipelines.sandbox.vendors.linear_store import GraphQLUserError

Predicate = Callable[[Payload], bool]


@dataclass(frozen=True)
class Navigator:
    """How a filter reaches what a record points at (given by the schema that serves them)."""

    schema: GraphQLSchema
    now: datetime
    # (type, field, record) -> the related record, or None.
    related: Callable[[str, str, Payload], Payload | None]
    # (type, field, record) -> the records of the connection (all pages).
    collection: Callable[[str, str, Payload], list[Payload]]


_DURATION = re.compile(
    r"^(?P<sign>[-+])?P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def parse_date_or_duration(value: str, now: datetime) -> datetime:
    """A `DateTimeOrDuration`: an ISO-8601 timestamp, or a duration relative to now (`-P1D`)."""
    match = _DURATION.match(value)
    if match and value.strip("+-") != "P":
        parts = {k: int(v) for k, v in match.groupdict().items() if k != "sign" and v}
        delta = timedelta(**parts)
        return now - delta if match["sign"] == "-" else now + delta
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise GraphQLUserError(f"Invalid DateTimeOrDuration: {value}") from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def all_of(tests: list[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    """A test that holds where all hold (the usual single test is returned as is: filters run
    once per record on every page)."""
    if len(tests) <= 1:
        return tests[0] if tests else lambda _value: True
    return lambda value: all(test(value) for test in tests)


def _fold(text: str) -> str:
    """Case- and accent-insensitive form (`containsIgnoreCaseAndAccent`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _text(compare: Callable[[str, str], bool], fold: Callable[[str], str] = str) -> Callable:
    return lambda value, operand: compare(fold(str(value)), fold(str(operand)))


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "neq": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, operand: value in operand,
    "nin": lambda value, operand: value not in operand,
    "contains": _text(operator.contains),
    "notContains": _text(lambda v, o: o not in v),
    "containsIgnoreCase": _text(operator.contains, str.casefold),
    "notContainsIgnoreCase": _text(lambda v, o: o not in v, str.casefold),
    "containsIgnoreCaseAndAccent": _text(operator.contains, _fold),
    "startsWith": _text(str.startswith),
    "startsWithIgnoreCase": _text(str.startswith, str.casefold),
    "notStartsWith": _text(lambda v, o: not v.startswith(o)),
    "endsWith": _text(str.endswith),
    "notEndsWith": _text(lambda v, o: not v.endswith(o)),
    "eqIgnoreCase": _text(operator.eq, str.casefold),
    "neqIgnoreCase": _text(operator.ne, str.casefold),
}


def _as_held(comparator: str, value: Any, now: datetime) -> Any:
    """An operand (or a record's value) in comparable form: dates parsed from their text."""
    if not isinstance(value, str):
        return value
    if "TimelessDate" in comparator:
        return date.fromisoformat(value[:10]) if value[:1].isdigit() else value
    if "Date" in comparator:
        return parse_date_or_duration(value, now)
    return value


def _operand(comparator: str, value: Any, now: datetime) -> Any:
    """A clause's operand as records hold it; an `in` list as a set where hashable."""
    if isinstance(value, list):
        parsed = [_operand(comparator, item, now) for item in value]
        return set(parsed) if all(not isinstance(p, (list, dict)) for p in parsed) else parsed
    return _as_held(comparator, value, now)


def _comparison(
    comparator: GraphQLInputObjectType, clauses: dict[str, Any], now: datetime
) -> Callable[[Any], bool]:
    """One comparator's clauses (all must hold) as a test of the field's value."""
    tests: list[Callable[[Any], bool]] = []
    dates = "Date" in comparator.name
    for op, operand in clauses.items():
        if operand is None:
            continue
        if op == "null":
            tests.append(lambda value, want=bool(operand): (value is None) is want)
        elif op in ("and", "or"):
            parts = [_comparison(comparator, part, now) for part in operand]
            combine = all if op == "and" else any
            tests.append(lambda value, parts=parts, c=combine: c(t(value) for t in parts))
        elif op in _OPERATORS:
            compare, parsed = _OPERATORS[op], _operand(comparator.name, operand, now)
            tests.append(
                lambda value, c=compare, o=parsed: value is not None and _safe(c, value, o)
            )
        else:
            raise GraphQLUserError(f"The sandbox cannot filter with {comparator.name}.{op}")
    check = all_of(tests)
    if dates:
        return lambda value: check(_as_held(comparator.name, value, now))
    return check


def _safe(compare: Callable[[Any, Any], bool], value: Any, operand: Any) -> bool:
    # A date value against a date-only operand, and the like, compare on the date.
    if isinstance(value, datetime) and type(operand) is date:
        value = value.date()
    try:
        return compare(value, operand)
    except TypeError:
        return False


def _value_of(owner: GraphQLObjectType, key: str, record: Payload) -> Any:
    """The field's value as served: the record's, else the neutral value of a non-null scalar."""
    value = record.get(key)
    if value is not None:
        return value
    field = owner.fields.get(key)
    if field is not None and isinstance(field.type, GraphQLNonNull):
        inner = field.type.of_type
        if isinstance(inner, GraphQLEnumType):
            return next(iter(inner.values))
        if is_leaf_type(inner):
            return neutral_scalar(inner.name)  # type: ignore[union-attr]
    return value


def compile_filter(
    filter_: dict[str, Any] | None,
    filter_type: GraphQLInputObjectType,
    owner: GraphQLObjectType,
    navigator: Navigator,
) -> Predicate:
    """A predicate over records of `owner` that holds where every clause of the filter does."""
    tests: list[Predicate] = []
    for key, clause in (filter_ or {}).items():
        if clause is None:
            continue
        if key in ("and", "or"):
            parts = [compile_filter(part, filter_type, owner, navigator) for part in clause]
            combine = all if key == "and" else any
            tests.append(lambda record, parts=parts, c=combine: c(p(record) for p in parts))
            continue
        input_type = get_named_type(filter_type.fields[key].type)
        assert isinstance(input_type, GraphQLInputObjectType)
        tests.append(_clause(key, clause, input_type, owner, navigator))
    return all_of(tests)


def _clause(
    key: str,
    clause: dict[str, Any],
    input_type: GraphQLInputObjectType,
    owner: GraphQLObjectType,
    navigator: Navigator,
) -> Predicate:
    if input_type.name.endswith("Comparator"):
        check = _comparison(input_type, clause, navigator.now)
        if input_type.name == "RelationExistsComparator":
            # The company models none of these relations (blocking, duplicates, suggestions...).
            return lambda _record: check(False)
        return lambda record: check(_value_of(owner, key, record))
    target = _target_type(input_type, navigator.schema)
    if input_type.name.endswith("CollectionFilter"):
        return _collection(key, clause, input_type, owner, target, navigator)
    inner = compile_filter(_without(clause, "null"), input_type, target, navigator)
    want_null = clause.get("null")

    def relation(record: Payload) -> bool:
        related = navigator.related(owner.name, key, record)
        if want_null is not None and (related is None) is not want_null:
            return False
        return related is None if want_null else related is not None and inner(related)

    return relation


def _collection(
    key: str,
    clause: dict[str, Any],
    input_type: GraphQLInputObjectType,
    owner: GraphQLObjectType,
    target: GraphQLObjectType,
    navigator: Navigator,
) -> Predicate:
    quantifiers = ("some", "every", "length", "null")
    # The collection filter's own fields mean "some item matches" too.
    somes = [f for f in (clause.get("some"), _without(clause, *quantifiers)) if f]
    some = [compile_filter(f, input_type, target, navigator) for f in somes]
    every = compile_filter(clause.get("every"), input_type, target, navigator)
    length = None
    if clause.get("length") is not None:
        length_type = get_named_type(input_type.fields["length"].type)
        length = _comparison(length_type, clause["length"], navigator.now)  # type: ignore[arg-type]
    empty = clause.get("null")

    def matches(record: Payload) -> bool:
        items = navigator.collection(owner.name, key, record)
        if empty is not None and (not items) is not empty:
            return False
        if length is not None and not length(len(items)):
            return False
        if not all(every(item) for item in items):
            return False
        return all(any(test(item) for item in items) for test in some)

    return matches


def _target_type(input_type: GraphQLInputObjectType, schema: GraphQLSchema) -> GraphQLObjectType:
    """The type a relation's or collection's filter applies to (`NullableUserFilter` -> User)."""
    name = input_type.name.removeprefix("Nullable").removesuffix("Filter")
    target = schema.type_map.get(name.removesuffix("Collection"))
    if not isinstance(target, GraphQLObjectType):
        raise GraphQLUserError(f"The sandbox cannot filter with {input_type.name}")
    return target


def _without(clause: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in clause.items() if k not in keys}
