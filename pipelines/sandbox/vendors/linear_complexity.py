"""Linear's query complexity: what a query costs against its points budget.

Linear's documented rule: every scalar field costs 0.1 point, every object 1 point, and a
connection multiplies the cost of what is selected inside it by its page size (`first`/`last`,
default 50); the total is rounded up. A single query may cost at most 10,000 points.
"""

from __future__ import annotations

import math

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from pipelines.sandbox.vendors.linear_store import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

MAX_COMPLEXITY = 10_000
SCALAR_COST = 0.1
OBJECT_COST = 1.0


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLCompositeType) -> float:
        if selection_set is None:
            return 0.0
        total = 0.0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                total += self.cost(selection.selection_set, self._condition(selection, parent))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                total += self.cost(fragment.selection_set, self._condition(fragment, parent))
        return total

    def _condition(
        self, fragment: InlineFragmentNode | FragmentDefinitionNode, parent: GraphQLCompositeType
    ) -> GraphQLCompositeType:
        if fragment.type_condition is None:
            return parent
        named = self.schema.get_type(fragment.type_condition.name.value)
        return named if is_composite_type(named) else parent  # type: ignore[return-value]

    def _field_cost(self, node: FieldNode, parent: GraphQLCompositeType) -> float:
        # Only `__typename` is selectable on a union itself (its members' fields need fragments).
        if node.name.value.startswith("__") or isinstance(parent, GraphQLUnionType):
            return 0.0
        field = parent.fields[node.name.value]
        named = get_named_type(field.type)
        if not is_composite_type(named):
            return SCALAR_COST
        # Objects, interfaces and unions alike: what is selected inside them.
        inner = self.cost(node.selection_set, named)  # type: ignore[arg-type]
        if "first" in field.args:
            args = get_argument_values(field, node, self.variables)
            size = args.get("first") if args.get("first") is not None else args.get("last")
            size = DEFAULT_PAGE_SIZE if size is None else min(max(size, 0), MAX_PAGE_SIZE)
            return size * inner
        return OBJECT_COST + inner


def query_complexity(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: VariableValues,
) -> int:
    """Complexity points of one (validated) operation with its coerced variables."""
    root = schema.query_type
    assert root is not None
    points = _Walker(schema, fragments, variables).cost(operation.selection_set, root)
    # Round away float noise (30 x 0.1 is 3.0000000000000004) before rounding up.
    return math.ceil(round(points, 6))
