"""SQL expression text -> Polars expression, with the names it reads. We write no parser."""

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

DTYPES: dict[str, pl.DataType] = {
    "bool": pl.Boolean(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "enum": pl.String(),
    "text": pl.String(),
}


@dataclass(frozen=True)
class ParsedExpression:
    text: str
    expr: pl.Expr
    names: frozenset[str]


def parse(text: str) -> ParsedExpression:
    """Parse with `polars.sql_expr`; raises ValueError with Polars' own words on bad SQL."""
    try:
        expr = pl.sql_expr(text)
        names = frozenset(expr.meta.root_names())
    except Exception as exc:  # Polars raises several exception types for bad SQL
        raise ValueError(f"invalid SQL expression {text!r}: {_first_line(exc)}") from exc
    return ParsedExpression(text, expr, names)


def rename_columns(expr: pl.Expr, mapping: Mapping[str, str]) -> pl.Expr:
    """The same expression reading renamed columns, rewritten on Polars' own parsed tree.

    Scheme parameters are renamed `<scheme>.<name>` so that every scheme's expressions can run
    in one `with_columns` without two schemes' parameters of the same name colliding.
    """
    if not mapping.keys() & set(expr.meta.root_names()):
        return expr
    tree = _rename_in_tree(json.loads(expr.meta.serialize(format="json")), mapping)
    return pl.Expr.deserialize(io.StringIO(json.dumps(tree)), format="json")


def _rename_in_tree(node: Any, mapping: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: mapping.get(value, value)
            if key == "Column" and isinstance(value, str)
            else _rename_in_tree(value, mapping)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_in_tree(item, mapping) for item in node]
    return node


def result_dtype(expr: pl.Expr, schema: dict[str, pl.DataType]) -> pl.DataType:
    """The type the expression yields over columns of `schema` (no data needed)."""
    try:
        return pl.LazyFrame(schema=schema).select(expr.alias("result")).collect_schema()["result"]
    except Exception as exc:
        raise ValueError(_first_line(exc)) from exc


def is_numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric()


def fits_declared_type(dtype: pl.DataType, declared: str) -> bool:
    if declared == "bool":
        return dtype == pl.Boolean
    if declared == "int":
        return dtype.is_integer()
    if declared == "float":
        return dtype.is_numeric()
    return dtype == pl.String


def known(names: frozenset[str]) -> pl.Expr:
    """True where every named column is known: the rule that decides unknown-ness."""
    if not names:
        return pl.lit(True)
    return pl.all_horizontal([pl.col(name).is_not_null() for name in sorted(names)])


def masked(expr: pl.Expr, names: frozenset[str], dtype: pl.DataType) -> pl.Expr:
    """`expr` where its inputs are known, null otherwise; never trust SQL's own null handling."""
    if not names:
        return expr.cast(dtype)
    return pl.when(known(names)).then(expr.cast(dtype)).otherwise(pl.lit(None, dtype))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
