"""Read YAML while remembering the line of every field, so errors can point at it."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from solidarite.rules.errors import RuleError, display_path

FieldPath = tuple[str | int, ...]


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader; dates stay text so that our own validation reports them precisely."""


_UniqueKeyLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class SourceDocument:
    """A parsed YAML file and the line (1-based) of each field path in it."""

    path: Path
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def line_of(self, path: FieldPath) -> int | None:
        """The line of the deepest known prefix of `path`."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def error(self, path: FieldPath, message: str) -> RuleError:
        return RuleError(self.name, self.line_of(path), format_field(path), message)


def format_field(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _construct(
    node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int], loader: yaml.SafeLoader
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                raise _DuplicateKey(key, key_node.start_mark.line + 1, path)
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, (*path, key), lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), lines, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, path: FieldPath) -> None:
        self.key, self.line, self.path = key, line, path


MAX_FILE_BYTES = 1_000_000  # a catalog file is reviewed by people: 1 MB is far beyond that


def read_yaml(path: Path) -> SourceDocument | RuleError:
    """Parse one file; a syntax error or a duplicated key comes back as a RuleError."""
    name = display_path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return RuleError(name, None, "", f"larger than {MAX_FILE_BYTES // 1000} kB; split it")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return RuleError(name, None, "", f"cannot read the file ({exc})")
    try:
        node = yaml.compose(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        return RuleError(name, line, "", f"YAML syntax error: {problem}")
    if node is None:
        return RuleError(name, 1, "", "the file is empty")
    lines: dict[FieldPath, int] = {}
    try:
        data = _construct(node, (), lines, _UniqueKeyLoader(""))
    except _DuplicateKey as dup:
        return RuleError(
            name, dup.line, format_field((*dup.path, dup.key)), f'duplicate key "{dup.key}"'
        )
    return SourceDocument(path, data, lines)
