"""The communes the catalog knows, with their EPCI and département, from a shipped, sourced list.

A scheme's territory lists INSEE codes of communes, SIREN codes of EPCIs or département codes;
it covers the listed communes that belong to them. A resident's commune is one of the listed
codes, or `OTHER` for a commune outside the list (which no scheme of the catalog covers).
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from solidarite.rules.errors import RuleError

OTHER = "autre"
NATIONAL = "FR"  # a territory code: the whole country, any commune included


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    epci_code: str
    departement_code: str


@dataclass(frozen=True)
class Communes:
    by_code: dict[str, Commune]

    @property
    def codes(self) -> frozenset[str]:
        """Every answer a resident can give: the listed communes and "another commune"."""
        return frozenset(self.by_code) | {OTHER}

    def covered(self, code: str) -> frozenset[str]:
        """The listed communes a territory code covers (empty when the code is unknown); the
        whole country covers them all and any other commune."""
        if code == NATIONAL:
            return self.codes
        return frozenset(
            c.code
            for c in self.by_code.values()
            if code in (c.code, c.epci_code, c.departement_code)
        )

    def name(self, code: str) -> str:
        commune = self.by_code.get(code)
        return commune.name if commune else code


def load_communes(path: Path, errors: list[RuleError]) -> Communes:
    if not path.exists():
        errors.append(RuleError(str(path), None, "", "the catalog needs territory/communes.csv"))
        return Communes({})
    by_code: dict[str, Commune] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                commune = Commune(
                    row["code"].strip(),
                    row["name"].strip(),
                    row["epci_code"].strip(),
                    row["departement_code"].strip(),
                )
            except (KeyError, AttributeError):
                errors.append(
                    RuleError(
                        str(path),
                        line,
                        "",
                        "expects columns code, name, epci_code, departement_code",
                    )
                )
                continue
            if not commune.code or commune.code in by_code:
                errors.append(RuleError(str(path), line, "code", "missing or duplicate code"))
                continue
            by_code[commune.code] = commune
    return Communes(by_code)
