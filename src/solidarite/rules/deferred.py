"""Python source written by the interval rules themselves: the third kind of scalar.

`scalars` computes at once on Python values and builds Polars expressions for populations. Given
a `Code` (a name in a function being written) it writes the Python operation it would have
computed, as one line of that function, and answers a `Code` naming the line's result. The
interval rules run once on a household's *shape* (which answers are known, which flags hold;
`traced.py`) with the known numbers and texts as `Code`: what the shape settles folds away while
the rules run, and the rest becomes a few plain float operations, evaluated for every household
of that shape. Each line is the Python path of the `scalars` helper that wrote it, so the function
computes what the rules compute on those values.
"""

import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Untraceable(Exception):
    """The rules took a path whose result depends on a value in a way the written function
    cannot follow (the Python back-end skips an argument that is surely NULL, for example):
    that shape is evaluated by the rules themselves."""


class Code:
    """A value known only when the written function runs: the name of a local variable."""

    __slots__ = ("known", "name", "tracer")

    def __init__(self, tracer: "Tracer", name: str, known: bool = False) -> None:
        self.tracer = tracer
        self.name = name
        self.known = known  # a text that is never None (a known answer)

    def __repr__(self) -> str:
        return f"Code({self.name})"

    def __bool__(self) -> bool:
        # A decision on a value the shape does not settle: the rules must not take it while
        # writing (a condition read with `if` on a Python value would silently be True).
        raise Untraceable(f"a decision on {self.name}")


_NAME = re.compile(r"\b[ta]\d+\b")


class Tracer:
    """The lines of one function being written, its arguments and its constants."""

    def __init__(self) -> None:
        self.arguments: list[str] = []
        self.lines: list[tuple[str, str]] = []  # (name, expression)
        self.constants: dict[str, Any] = {}
        self._by_id: dict[int, str] = {}
        self._lines_by_expression: dict[str, Code] = {}

    def argument(self, known: bool = False) -> Code:
        name = f"a{len(self.arguments)}"
        self.arguments.append(name)
        return Code(self, name, known)

    def render(self, value: Any) -> str:
        """A value as the function's source reads it: a name for a `Code`, a literal for a
        finite number, a boolean or None (they read back exactly), else a named constant."""
        if isinstance(value, Code):
            return value.name
        if value is None or isinstance(value, bool):
            return repr(value)
        if type(value) is float and math.isfinite(value):
            return repr(value)
        found = self._by_id.get(id(value))
        if found is None:
            found = f"k{len(self.constants)}"
            self.constants[found] = value
            self._by_id[id(value)] = found
        return found

    def emit(self, template: str, operands: tuple[Any, ...], known: bool = False) -> Code:
        """The line computing `template` over `operands`; a line already written for the same
        expression is the same value (every line is a pure operation on its operands)."""
        expression = template.format(*(self.render(o) for o in operands))
        found = self._lines_by_expression.get(expression)
        if found is None:
            name = f"t{len(self.lines)}"
            self.lines.append((name, expression))
            found = self._lines_by_expression[expression] = Code(self, name, known)
        return found

    def source(self, function: str, result: str) -> str:
        """The function's source, without the lines its result does not need."""
        needed = set(_NAME.findall(result))
        kept: list[str] = []
        for name, expression in reversed(self.lines):
            if name in needed:
                kept.append(f"    {name} = {expression}")
                needed.update(_NAME.findall(expression))
        body = "\n".join(reversed(kept))
        return f"def {function}({', '.join(self.arguments)}):\n{body}\n    return {result}\n"


def apply(template: str, *operands: Any, known: bool = False) -> Code:
    """The line `template` over `operands` in the function their `Code` belongs to."""
    for operand in operands:
        if isinstance(operand, Code):
            return operand.tracer.emit(template, operands, known)
    raise AssertionError("apply() needs a Code operand")


def is_code(value: Any) -> bool:
    return isinstance(value, Code)


_WRITING = threading.local()
_WRITERS = [0]  # threads writing a function now (most calls never look further)
_WRITERS_LOCK = threading.Lock()


@contextmanager
def writing() -> Iterator[None]:
    """While the rules run to write a function: what they call computes by the rules, on the
    `Code` it is given, never through a function written earlier (`traced`)."""
    with _WRITERS_LOCK:
        _WRITERS[0] += 1
    _WRITING.depth = getattr(_WRITING, "depth", 0) + 1
    try:
        yield
    finally:
        _WRITING.depth -= 1
        with _WRITERS_LOCK:
            _WRITERS[0] -= 1


def is_writing() -> bool:
    return _WRITERS[0] > 0 and getattr(_WRITING, "depth", 0) > 0
