"""Type-correct answers for the fields of Linear's schema that the synthetic company does not model.

The sandbox serves Linear's whole official SDL, but the company only has the records the sources
read (teams, users, issues, ...) and the fields they carry. Every other field still answers as
the schema's types require, so that any query that validates also executes:
- a value the record (or stub) carries under the field's name is served as is;
- otherwise a nullable field is null, and a non-null one gets the neutral value of its type:
  `[]` for a list, 0, `""`, false, the first member of an enum, `{}` for `JSONObject` (`"{}"` for
  `JSON`, which Linear sends stringified), `PT0S` for a `Duration`, the record's `createdAt` for
  dates, and a stable UUID (derived from where the field hangs) for ids;
- a non-null object gets a stub: its `id` (the `id` argument when the field takes one), the
  parent's `createdAt` and, for an interface or union, the first possible type as `__typename`.
  Its own fields follow the same rules, so a stub connection is empty: no nodes, no edges, no
  next page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLFieldResolver,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    is_abstract_type,
    is_list_type,
)

Source = dict[str, Any]
# (source, info, field arguments) -> the value served.
Maker = Callable[[Source, GraphQLResolveInfo, dict[str, Any]], Any]


def stable_id(*parts: str) -> str:
    """The same id for the same unmodelled object in every answer and every run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "linear-sandbox:" + "/".join(parts)))


def _created_at(source: Source, info: GraphQLResolveInfo) -> Any:
    # The sandbox clock for objects that hang off the root (the root has no createdAt).
    return source.get("createdAt") or info.context.now


def _constant(value: Any) -> Maker:
    return lambda _source, _info, _args: value


_DATES = ("DateTime", "DateTimeOrDuration", "TimelessDate", "TimelessDateOrDuration")
_NEUTRAL = {"Int": 0, "Float": 0, "Boolean": False, "JSON": "{}", "Duration": "PT0S"}


def neutral_scalar(type_name: str) -> Any:
    """The neutral value of a scalar type; None for ids and dates, which derive from a record."""
    if type_name in ("ID", "UUID", *_DATES):
        return None
    if type_name == "JSONObject":
        return {}
    # String and Linear's string-valued scalars (notification types) are "".
    return _NEUTRAL.get(type_name, "")


def _scalar(type_name: str, field_name: str) -> Maker:
    if type_name in ("ID", "UUID"):
        return lambda source, info, _args: stable_id(
            info.parent_type.name, source.get("id") or "", field_name
        )
    if type_name in _DATES:
        return lambda source, info, _args: _created_at(source, info)
    if type_name == "JSONObject":
        # A fresh object each time: the answer must not share a mutable default.
        return lambda _source, _info, _args: {}
    return _constant(neutral_scalar(type_name))


def stub(
    schema: GraphQLSchema,
    named: GraphQLNamedType,
    parent_type: str,
    parent: Source,
    field_name: str,
    now: datetime,
) -> Source:
    """The object a non-null field of an unmodelled type serves (filters see the same one)."""
    concrete = schema.get_possible_types(named)[0] if is_abstract_type(named) else named  # type: ignore[arg-type]
    key = stable_id(parent_type, parent.get("id") or "", field_name)
    return {"__typename": concrete.name, "id": key, "createdAt": parent.get("createdAt") or now}


def _stub(schema: GraphQLSchema, named: GraphQLNamedType, field_name: str) -> Maker:
    def make(source: Source, info: GraphQLResolveInfo, args: dict[str, Any]) -> Source:
        made = stub(schema, named, info.parent_type.name, source, field_name, info.context.now)
        # A lookup by id (`customer(id: "...")`) answers with the id it was asked for.
        return {**made, "id": args["id"]} if isinstance(args.get("id"), str) else made

    return make


def _maker(schema: GraphQLSchema, type_: GraphQLOutputType, field_name: str) -> Maker:
    """The neutral value of a non-null field's type (the type without its `!`)."""
    if is_list_type(type_):
        return lambda _source, _info, _args: []
    if isinstance(type_, GraphQLEnumType):
        return _constant(next(iter(type_.values)))
    if isinstance(type_, GraphQLObjectType) or is_abstract_type(type_):
        return _stub(schema, type_, field_name)  # type: ignore[arg-type]
    return _scalar(type_.name, field_name)  # type: ignore[union-attr]


def default_resolver(
    schema: GraphQLSchema, field_name: str, field_type: GraphQLOutputType
) -> GraphQLFieldResolver:
    """What serves a field that has no resolver of its own (sources are dicts)."""
    if not isinstance(field_type, GraphQLNonNull):

        def nullable(source: Source, _info: GraphQLResolveInfo, **_args: Any) -> Any:
            return source.get(field_name)

        return nullable

    make = _maker(schema, field_type.of_type, field_name)

    def non_null(source: Source, info: GraphQLResolveInfo, **args: Any) -> Any:
        value = source.get(field_name)
        return make(source, info, args) if value is None else value

    return non_null


def bind_defaults(schema: GraphQLSchema) -> None:
    """Give every object field without a resolver the default one (after binding the others)."""
    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            for name, field in type_.fields.items():
                if field.resolve is None:
                    field.resolve = default_resolver(schema, name, field.type)
