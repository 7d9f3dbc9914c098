"""Polars' own parse of an SQL expression, read into a small tree the engine evaluates.

We write no SQL parser: `polars.sql_expr` parses, and its serialised plan is walked here into a
handful of node kinds. Both back-ends (plain Python for one household, Polars for populations)
evaluate this same tree with the same interval semantics (`solidarite.rules.intervals`), so they
cannot drift apart. An SQL construct outside this set is refused when the catalog loads, with
the construct named, rather than evaluated with semantics we have not defined.
"""

import io
import json
import weakref
from dataclasses import dataclass
from typing import Any

import polars as pl


class UnsupportedExpression(ValueError):
    """A construct the engine does not evaluate (raised at load time, never at run time)."""


@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class Constant:
    value: bool | int | float | str | None


@dataclass(frozen=True)
class Call:
    """An operator or function: `op` is one of OPERATORS, `args` its operands in order."""

    op: str
    args: tuple["Node", ...]


@dataclass(frozen=True)
class Case:
    """`CASE WHEN predicate THEN then ELSE otherwise END` (several WHENs nest)."""

    predicate: "Node"
    then: "Node"
    otherwise: "Node"


@dataclass(frozen=True)
class InList:
    arg: "Node"
    values: tuple[bool | int | float | str, ...]


Node = Column | Constant | Call | Case | InList

_BINARY = {
    "Eq": "=",
    "NotEq": "<>",
    "Lt": "<",
    "LtEq": "<=",
    "Gt": ">",
    "GtEq": ">=",
    "And": "and",
    "Or": "or",
    "LogicalAnd": "and",
    "LogicalOr": "or",
    "Plus": "+",
    "Minus": "-",
    "Multiply": "*",
    "TrueDivide": "/",
    "Modulus": "%",
}
_SQL_BINARY = {"Div": "/", "Mul": "*", "Rem": "%", "Add": "+", "Sub": "-"}
_FUNCTIONS = {
    "Coalesce": "coalesce",
    "MaxHorizontal": "greatest",
    "MinHorizontal": "least",
    "Abs": "abs",
    "Floor": "floor",
    "Ceil": "ceil",
}
_BOOLEAN = {"Not": "not", "IsNull": "is_null", "IsNotNull": "is_not_null"}
_CASTS = {
    "Boolean": "bool",
    "Int8": "int",
    "Int16": "int",
    "Int32": "int",
    "Int64": "int",
    "Float32": "float",
    "Float64": "float",
}


def from_polars(expr: pl.Expr) -> Node:
    """The tree of a parsed expression; UnsupportedExpression names what cannot be evaluated.
    Equal sub-trees are one object (`shared`)."""
    return shared(_node(json.loads(expr.meta.serialize(format="json"))))


_SHARED: "weakref.WeakValueDictionary[tuple[Any, ...], Node]" = weakref.WeakValueDictionary()


def shared(node: Node) -> Node:
    """The tree with every sub-tree equal to one already seen replaced by that one, across
    expressions: an evaluation can then keep each sub-tree's value by identity
    (`intervals.evaluate`'s `memo`). The national rights repeat large sub-expressions (the
    prime d'activité's flat amount appears twice a month, and its amount is its last
    condition's), and a dataclass's hash walks the whole sub-tree on every call.

    A constant's key holds its type (`1 == 1.0 == True`) and its repr (`0.0 == -0.0`). An entry
    lives as long as its node, which holds its children: a key's child ids are never reused
    while the key is in the table."""
    key: tuple[Any, ...]
    if isinstance(node, Column):
        key = ("column", node.name)
    elif isinstance(node, Constant):
        key = ("constant", type(node.value), repr(node.value))
    elif isinstance(node, Call):
        args = tuple(shared(arg) for arg in node.args)
        node = Call(node.op, args)
        key = ("call", node.op, *(id(arg) for arg in args))
    elif isinstance(node, Case):
        node = Case(shared(node.predicate), shared(node.then), shared(node.otherwise))
        key = ("case", id(node.predicate), id(node.then), id(node.otherwise))
    else:
        node = InList(shared(node.arg), node.values)
        values = tuple((type(v), repr(v)) for v in node.values)
        key = ("in", id(node.arg), values)
    found = _SHARED.get(key)
    if found is None:
        _SHARED[key] = found = node
    return found


def constants(node: Node) -> frozenset[bool | int | float | str]:
    """The literal values an expression compares with: the interesting answers to probe."""
    if isinstance(node, Constant):
        return frozenset() if node.value is None else frozenset({node.value})
    if isinstance(node, Call):
        return frozenset().union(*(constants(a) for a in node.args))
    if isinstance(node, Case):
        return constants(node.predicate) | constants(node.then) | constants(node.otherwise)
    if isinstance(node, InList):
        return constants(node.arg) | frozenset(node.values)
    return frozenset()


def _node(raw: Any) -> Node:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise UnsupportedExpression(f"unsupported construct {_short(raw)}")
    ((kind, body),) = raw.items()
    if kind == "Column":
        return Column(body)
    if kind == "Literal":
        return Constant(_literal(raw))
    if kind == "BinaryExpr":
        op = _BINARY.get(body["op"])
        if op is None:
            raise UnsupportedExpression(f"unsupported operator {body['op']}")
        return Call(op, (_node(body["left"]), _node(body["right"])))
    if kind == "Ternary":
        return Case(_node(body["predicate"]), _node(body["truthy"]), _node(body["falsy"]))
    if kind == "Cast":
        dtype = body["dtype"]
        target = _CASTS.get(str(dtype.get("Literal")) if isinstance(dtype, dict) else "")
        if target is None:
            raise UnsupportedExpression(f"unsupported cast to {_short(body['dtype'])}")
        return Call(f"cast_{target}", (_node(body["expr"]),))
    if kind == "Function":
        return _function(body["function"], [_node(a) for a in body["input"]], body["input"])
    raise UnsupportedExpression(f"unsupported construct {kind}")


def _function(function: Any, args: list[Node], raw_args: list[Any]) -> Node:
    if isinstance(function, str) and function in _FUNCTIONS:
        return Call(_FUNCTIONS[function], tuple(args))
    if isinstance(function, dict):
        ((family, detail),) = function.items()
        if family == "Boolean" and detail in _BOOLEAN:
            return Call(_BOOLEAN[detail], tuple(args))
        if family == "Sql" and isinstance(detail, dict):
            ((name, spec),) = detail.items()
            if name == "Binary" and (spec in _SQL_BINARY or spec in _BINARY):
                return Call(_SQL_BINARY.get(spec) or _BINARY[spec], tuple(args))
            if name == "Round":
                return Call("round", (args[0], Constant(int(spec["decimals"]))))
            if name == "IsIn":
                values = _literal(raw_args[1])
                if not isinstance(values, list) or None in values:
                    raise UnsupportedExpression("IN needs a list of constant values")
                return InList(args[0], tuple(values))
    raise UnsupportedExpression(f"unsupported function {_short(function)}")


def _literal(raw: dict[str, Any]) -> Any:
    """A literal's Python value, read back through Polars itself (decimals, lists...)."""
    expr = pl.Expr.deserialize(io.StringIO(json.dumps(raw)), format="json")
    series = pl.select(expr.alias("v")).to_series()
    if series.dtype == pl.List:
        return series.to_list()[0]
    if len(series) != 1:
        return series.to_list()
    value = series[0]
    if series.dtype.is_decimal():
        return float(value)
    return value


def _short(raw: Any) -> str:
    text = json.dumps(raw)
    return text if len(text) < 60 else text[:57] + "..."
