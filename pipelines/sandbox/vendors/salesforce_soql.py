"""The SOQL subset the sandbox's Salesforce API understands: parse, validate, filter and sort.

    SELECT f1, f2 FROM Object
      [WHERE <condition>]          comparisons (= != <> < <= > >=, LIKE, IN, NOT IN) joined by
                                   AND / OR (mixing them needs parentheses, as in SOQL), NOT (..)
      [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...]
      [LIMIT n]

Literals are SOQL's: 'quoted strings', numbers, true/false/null, unquoted dates (2026-01-31) and
datetimes (2026-01-31T12:00:00Z, 2026-01-31T12:00:00.000+0000, 2026-01-31T12:00:00+02:00).
Keywords, object and field names are case-insensitive; `=` and LIKE on text ignore case.
Errors carry Salesforce's errorCode (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE) and its
message style, including the caret that points at the offending column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

# Python type of each field's values, per object: what a describe call would report.
FieldTypes = Mapping[str, Mapping[str, type | None]]

KEYWORDS = frozenset(
    [
        "select",
        "from",
        "where",
        "and",
        "or",
        "not",
        "order",
        "by",
        "asc",
        "desc",
        "nulls",
        "first",
        "last",
        "limit",
        "in",
        "like",
        "true",
        "false",
        "null",
    ]
)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
    |(?P<date>\d{4}-\d{2}-\d{2}(?![\dT]))
    |(?P<number>-?\d+(?:\.\d+)?)
    |(?P<string>'(?:[^'\\]|\\.)*')
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op>!=|<>|<=|>=|=|<|>)
    |(?P<punct>[(),])
    """,
    re.VERBOSE,
)

_STRING_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "\\": "\\"}


class SoqlError(Exception):
    """A query Salesforce would refuse, with its errorCode."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    position: int

    @property
    def keyword(self) -> str | None:
        lowered = self.text.lower()
        return lowered if self.kind == "name" and lowered in KEYWORDS else None


@dataclass(frozen=True, slots=True)
class Comparison:
    field: str
    op: str  # = != < <= > >= like in not in
    value: Any  # a literal, or a tuple of literals for IN
    position: int


@dataclass(frozen=True, slots=True)
class Junction:
    op: str  # "and" | "or"
    terms: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Negation:
    term: Condition


Condition = Comparison | Junction | Negation


@dataclass(frozen=True, slots=True)
class OrderItem:
    field: str
    descending: bool = False
    nulls_last: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    fields: tuple[str, ...]
    sobject: str
    where: Condition | None = None
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    sobject_position: int = 0


def _located(soql: str, position: int, message: str) -> str:
    """Salesforce's error layout: the query, a caret under the column, then the message."""
    line_start = soql.rfind("\n", 0, position) + 1
    row = soql.count("\n", 0, position) + 1
    column = position - line_start + 1
    line_end = soql.find("\n", position)
    line = soql[line_start : line_end if line_end >= 0 else len(soql)]
    return f"\n{line}\n{' ' * (column - 1)}^\nERROR at Row:{row}:Column:{column}\n{message}"


def tokenize(soql: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(soql):
        match = _TOKEN.match(soql, position)
        if match is None:
            raise SoqlError(
                "MALFORMED_QUERY",
                _located(soql, position, f"unexpected token: '{soql[position]}'"),
            )
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    return tokens


def parse_datetime_literal(text: str) -> datetime:
    """A SOQL dateTime literal (always with a zone: Z or an offset) as an aware UTC datetime."""
    normalized = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text.replace("Z", "+00:00"))
    return datetime.fromisoformat(normalized).astimezone(UTC)


class _Parser:
    def __init__(self, soql: str) -> None:
        self.soql = soql
        self.tokens = tokenize(soql)
        self.index = 0

    # -- token helpers -------------------------------------------------------------------------
    def _peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _unexpected(self, token: Token | None = None) -> SoqlError:
        token = token if token is not None else self._peek()
        if token is None:
            return SoqlError(
                "MALFORMED_QUERY", _located(self.soql, len(self.soql), "unexpected token: <EOF>")
            )
        return SoqlError(
            "MALFORMED_QUERY",
            _located(self.soql, token.position, f"unexpected token: '{token.text}'"),
        )

    def _next(self) -> Token:
        token = self._peek()
        if token is None:
            raise self._unexpected()
        self.index += 1
        return token

    def _accept(self, *keywords: str) -> bool:
        token = self._peek()
        if token is not None and token.keyword in keywords:
            self.index += 1
            return True
        return False

    def _expect(self, keyword: str) -> None:
        if not self._accept(keyword):
            raise self._unexpected()

    def _accept_punct(self, text: str) -> bool:
        token = self._peek()
        if token is not None and token.kind == "punct" and token.text == text:
            self.index += 1
            return True
        return False

    def _name(self) -> Token:
        token = self._next()
        if token.kind != "name" or token.keyword is not None:
            raise self._unexpected(token)
        return token

    # -- grammar -------------------------------------------------------------------------------
    def parse(self) -> Query:
        self._expect("select")
        fields = [self._name().text]
        while self._accept_punct(","):
            fields.append(self._name().text)
        self._expect("from")
        sobject_token = self._name()
        sobject = sobject_token.text
        where = self._condition() if self._accept("where") else None
        order_by: list[OrderItem] = []
        if self._accept("order"):
            self._expect("by")
            order_by.append(self._order_item())
            while self._accept_punct(","):
                order_by.append(self._order_item())
        limit = None
        if self._accept("limit"):
            token = self._next()
            if token.kind != "number" or not token.text.isdigit():
                raise self._unexpected(token)
            limit = int(token.text)
        if self._peek() is not None:
            raise self._unexpected()
        return Query(tuple(fields), sobject, where, tuple(order_by), limit, sobject_token.position)

    def _order_item(self) -> OrderItem:
        field = self._name().text
        descending = self._accept("desc")
        if not descending:
            self._accept("asc")
        # SOQL's default: nulls first ascending, nulls last descending.
        nulls_last = descending
        if self._accept("nulls"):
            if self._accept("last"):
                nulls_last = True
            else:
                self._expect("first")
                nulls_last = False
        return OrderItem(field, descending, nulls_last)

    def _condition(self) -> Condition:
        terms = [self._simple_condition()]
        op: str | None = None
        while (token := self._peek()) is not None and token.keyword in ("and", "or"):
            if op is not None and token.keyword != op:
                # SOQL refuses `a AND b OR c`: the grouping must be spelled out.
                raise self._unexpected(token)
            op = token.keyword
            self.index += 1
            terms.append(self._simple_condition())
        return terms[0] if op is None else Junction(op, tuple(terms))

    def _simple_condition(self) -> Condition:
        if self._accept("not"):
            if not self._accept_punct("("):
                raise self._unexpected()
            term = self._condition()
            if not self._accept_punct(")"):
                raise self._unexpected()
            return Negation(term)
        if self._accept_punct("("):
            term = self._condition()
            if not self._accept_punct(")"):
                raise self._unexpected()
            return term
        field = self._name()
        token = self._next()
        if token.kind == "op":
            op = "!=" if token.text == "<>" else token.text
            return Comparison(field.text, op, self._literal(), field.position)
        if token.keyword == "like":
            return Comparison(field.text, "like", self._literal(), field.position)
        negated = token.keyword == "not"
        if negated:
            token = self._next()
        if token.keyword == "in":
            return Comparison(
                field.text, "not in" if negated else "in", self._literal_list(), field.position
            )
        raise self._unexpected(token)

    def _literal_list(self) -> tuple[Any, ...]:
        if not self._accept_punct("("):
            raise self._unexpected()
        values = [self._literal()]
        while self._accept_punct(","):
            values.append(self._literal())
        if not self._accept_punct(")"):
            raise self._unexpected()
        return tuple(values)

    def _literal(self) -> Any:
        token = self._next()
        if token.kind == "string":
            return re.sub(
                r"\\(.)", lambda m: _STRING_ESCAPES.get(m.group(1), m.group(1)), token.text[1:-1]
            )
        if token.kind == "number":
            return float(token.text) if "." in token.text else int(token.text)
        if token.kind == "datetime":
            return parse_datetime_literal(token.text)
        if token.kind == "date":
            return date.fromisoformat(token.text)
        if token.keyword in ("true", "false"):
            return token.keyword == "true"
        if token.keyword == "null":
            return None
        raise self._unexpected(token)


def parse(soql: str) -> Query:
    """Parse a SOQL query (syntax only; `bind` checks names and types)."""
    return _Parser(soql).parse()


# -- binding: object and field names, literal types ----------------------------------------------

_TYPE_NAMES: dict[type, str] = {
    datetime: "dateTime",
    date: "date",
    bool: "boolean",
    int: "double",
    float: "double",
    str: "string",
}


def _type_name(value_type: type | None) -> str:
    return _TYPE_NAMES.get(value_type, "string") if value_type else "string"


def _literal_fits(value: Any, field_type: type | None) -> bool:
    if value is None or field_type is None:
        return True
    if field_type is datetime:
        return isinstance(value, datetime)
    if field_type is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if field_type is bool:
        return isinstance(value, bool)
    if field_type in (int, float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


def bind(soql: str, query: Query, schema: FieldTypes) -> Query:
    """Resolve names to their canonical spelling and check every literal against its field."""
    objects = {name.lower(): name for name in schema}
    sobject = objects.get(query.sobject.lower())
    if sobject is None:
        raise SoqlError(
            "INVALID_TYPE",
            _located(
                soql,
                query.sobject_position,
                f"sObject type '{query.sobject}' is not supported. If you are attempting to use "
                "a custom object, be sure to append the '__c' after the entity name. Please "
                "reference your WSDL or the describe call for the appropriate names.",
            ),
        )
    field_types = schema[sobject]
    fields = {name.lower(): name for name in field_types}

    def resolve(name: str, position: int | None = None) -> str:
        canonical = fields.get(name.lower())
        if canonical is None:
            at = position if position is not None else max(soql.find(name), 0)
            raise SoqlError(
                "INVALID_FIELD",
                _located(
                    soql,
                    at,
                    f"No such column '{name}' on entity '{sobject}'. If you are attempting to "
                    "use a custom field, be sure to append the '__c' after the custom field "
                    "name. Please reference your WSDL or the describe call for the appropriate "
                    "names.",
                ),
            )
        return canonical

    def bind_condition(condition: Condition) -> Condition:
        if isinstance(condition, Junction):
            return Junction(condition.op, tuple(bind_condition(t) for t in condition.terms))
        if isinstance(condition, Negation):
            return Negation(bind_condition(condition.term))
        field = resolve(condition.field, condition.position)
        values = condition.value if condition.op in ("in", "not in") else (condition.value,)
        field_type = field_types[field]
        for value in values:
            if not _literal_fits(value, field_type):
                quoted = " and should not be enclosed in quotes" if field_type is not str else ""
                raise SoqlError(
                    "INVALID_FIELD",
                    _located(
                        soql,
                        condition.position,
                        f"value of filter criterion for field '{field}' must be of type "
                        f"{_type_name(field_type)}{quoted}",
                    ),
                )
        return replace(condition, field=field)

    selected = tuple(resolve(name) for name in query.fields)
    duplicates = {name for name in selected if selected.count(name) > 1}
    if duplicates:
        raise SoqlError("MALFORMED_QUERY", f"duplicate field selected: {sorted(duplicates)[0]}")
    return Query(
        fields=selected,
        sobject=sobject,
        where=bind_condition(query.where) if query.where is not None else None,
        order_by=tuple(replace(item, field=resolve(item.field)) for item in query.order_by),
        limit=query.limit,
        sobject_position=query.sobject_position,
    )


# -- evaluation -----------------------------------------------------------------------------------


def _fold(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _like(value: Any, pattern: str) -> bool:
    if not isinstance(value, str):
        return False
    regex = "".join(
        ".*" if char == "%" else "." if char == "_" else re.escape(char) for char in pattern
    )
    return re.fullmatch(regex, value, flags=re.IGNORECASE | re.DOTALL) is not None


def _compare(value: Any, op: str, literal: Any) -> bool:
    if op == "like":
        return _like(value, literal)
    if op in ("in", "not in"):
        found = _fold(value) in {_fold(item) for item in literal}
        return found if op == "in" else not found
    if literal is None or value is None:
        # SOQL: only `= null` / `!= null` test for null; other comparisons with null are false.
        equal = value is literal
        return equal if op == "=" else (not equal if op == "!=" else False)
    value, literal = _fold(value), _fold(literal)
    if op == "=":
        return bool(value == literal)
    if op == "!=":
        return bool(value != literal)
    if op == "<":
        return bool(value < literal)
    if op == "<=":
        return bool(value <= literal)
    if op == ">":
        return bool(value > literal)
    return bool(value >= literal)


def matches(condition: Condition | None, row: Mapping[str, Any]) -> bool:
    if condition is None:
        return True
    if isinstance(condition, Junction):
        results = (matches(term, row) for term in condition.terms)
        return all(results) if condition.op == "and" else any(results)
    if isinstance(condition, Negation):
        return not matches(condition.term, row)
    return _compare(row.get(condition.field), condition.op, condition.value)


class _Descending:
    """Inverts the ordering of a sort key component, for ORDER BY ... DESC."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Descending) -> bool:
        return bool(other.key < self.key)

    def __gt__(self, other: _Descending) -> bool:
        return bool(other.key > self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


def sort_key(
    order_by: tuple[OrderItem, ...], key_field: str
) -> Callable[[Mapping[str, Any]], tuple]:
    """A total order for rows: the ORDER BY items, then the record key as the tie-breaker.

    The key function is what query cursors remember as their position: the next page is the
    rows whose key sorts after the last row served.
    """

    def component(item: OrderItem, value: Any) -> Any:
        # A null flag ahead of the value places nulls first or last whatever the direction;
        # only the value itself is inverted for DESC.
        is_null = value is None
        flag = is_null if item.nulls_last else not is_null
        folded = _fold(value) if not is_null else 0
        return (flag, _Descending(folded) if item.descending else folded)

    def key(row: Mapping[str, Any]) -> tuple:
        # `or ""`: a broken record without its key must still sort, so it can be served.
        return (
            *(component(item, row.get(item.field)) for item in order_by),
            row.get(key_field) or "",
        )

    return key
