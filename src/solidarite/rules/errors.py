"""Errors of the rules engine: each names a file, a line and a field, and says what to do."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RuleError:
    """One problem found in a catalog file or an input file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class RulesError(Exception):
    """One or more problems; nothing was loaded or evaluated. `errors` lists them all."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


class CatalogError(RulesError):
    """The catalog (variables, schemes, test cases) is invalid: it refuses to load as a whole."""


class InputError(RulesError):
    """A household or population given for evaluation is invalid."""


class EvaluationError(RulesError):
    """Evaluation cannot run as asked (for example a parameter has no value at the date)."""


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working directory when they can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
