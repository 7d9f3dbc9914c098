"""CSV exports that cannot attack the spreadsheet that opens them.

A cell starting with =, +, -, @, a tab or a carriage return is read as a formula by Excel and
LibreOffice (CSV injection, OWASP): such cells are prefixed with an apostrophe, which spreadsheets
show as text. Numbers we write ourselves (amounts, counts) are passed as numbers and kept as is.
"""

import csv
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """The value, with text that a spreadsheet would run as a formula neutralised."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """csv.writer whose every text cell goes through `safe_cell`."""

    def __init__(self, out: _Writable, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """csv.DictWriter whose every text cell goes through `safe_cell`."""

    def __init__(self, out: _Writable, fieldnames: list[str], **options: Any) -> None:
        self._writer = csv.DictWriter(out, fieldnames=fieldnames, **options)

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: Mapping[str, object]) -> None:
        self._writer.writerow({key: safe_cell(value) for key, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        for row in rows:
            self.writerow(row)
