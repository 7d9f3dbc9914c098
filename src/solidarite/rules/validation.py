"""Turn pydantic's validation errors into our file/line/field errors."""

import difflib
from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from solidarite.rules.errors import RuleError
from solidarite.rules.yaml_source import SourceDocument

Model = TypeVar("Model", bound=BaseModel)


def parse_document(document: SourceDocument, model: type[Model]) -> Model | list[RuleError]:
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        return [_to_rule_error(document, error) for error in exc.errors()]


def _to_rule_error(document: SourceDocument, error: object) -> RuleError:
    assert isinstance(error, dict)
    path = tuple(part for part in error["loc"] if part not in ("[key]",))
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        message = "unknown field; check its spelling against docs/rules.md"
    elif error["type"] == "missing":
        message = "required field is missing"
    elif error["type"] == "string_pattern_mismatch" and path and path[-1] in ("id", "name"):
        message = "an identifier is lower case letters, digits and _ and starts with a letter"
    elif "input" in error and error["type"] not in ("value_error",):
        message = f"{message} (got {error['input']!r})"
    return document.error(path, message)


def suggestion(name: str, choices: Iterable[str]) -> str:
    """ "; did you mean x?" for close spellings, or names that start with what was written."""
    options = list(choices)
    close = difflib.get_close_matches(name, options, n=3)
    close += [o for o in options if len(name) >= 3 and o.startswith(name) and o not in close][:3]
    return f"; did you mean {', '.join(close)}?" if close else ""
