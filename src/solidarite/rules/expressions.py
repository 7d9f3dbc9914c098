"""SQL expression text -> Polars' parse -> the engine's tree, with the names it reads.

We write no parser: Polars parses (`polars.sql_expr`) and checks result types over a schema;
`tree.from_polars` reads its parse into the nodes both back-ends evaluate.
"""

from dataclasses import dataclass

import polars as pl

from solidarite.rules.tree import Node, UnsupportedExpression, from_polars

DTYPES: dict[str, pl.DataType] = {
    "bool": pl.Boolean(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "enum": pl.String(),
    "text": pl.String(),
    "commune": pl.String(),
    "date": pl.Date(),
}


@dataclass(frozen=True)
class ParsedExpression:
    text: str
    expr: pl.Expr
    names: frozenset[str]
    tree: Node


def parse(text: str) -> ParsedExpression:
    """Parse with `polars.sql_expr`; raises ValueError with Polars' own words on bad SQL."""
    try:
        expr = pl.sql_expr(text)
        names = frozenset(expr.meta.root_names())
    except Exception as exc:  # Polars raises several exception types for bad SQL
        raise ValueError(f"invalid SQL expression {text!r}: {_first_line(exc)}") from exc
    try:
        tree = from_polars(expr)
    except UnsupportedExpression as exc:
        raise ValueError(
            f"{text!r}: {exc}; see docs/rules.md for what expressions can use"
        ) from exc
    return ParsedExpression(text, expr, names, tree)


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


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
