"""The retention policy, read once from catalog/retention.yaml and validated (file, line, field).

An organisation may shorten a duration (RetentionOverride), never lengthen it beyond the rule's
legal maximum: the override is checked on save and by a database constraint on its bounds.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, model_validator

from solidarite.paths import CATALOG_DIR
from solidarite.rules.errors import CatalogError, RuleError
from solidarite.rules.model import Labels, Strict
from solidarite.rules.validation import parse_document
from solidarite.rules.yaml_source import read_yaml

Kind = Literal[
    "person",
    "household",
    "referral_closed",
    "closed_file",
    "appointment",
    "workshop_attendance",
    "documents",
    "emails",
    "access_log",
    "change_history",
    "payments",
    "bank_details",
]
KINDS: tuple[str, ...] = get_args(Kind)


class Rule(Strict):
    kind: Kind
    label: Labels
    counts_from: Labels
    months: int = Field(ge=0, le=600)
    legal_max_months: int = Field(ge=0, le=600)
    end: Literal["delete", "anonymise", "pseudonymise", "not_stored"]
    legal_basis: Labels

    @model_validator(mode="after")
    def _within_the_law(self) -> "Rule":
        if self.months > self.legal_max_months:
            raise ValueError('"months" is longer than "legal_max_months"')
        return self


class Policy(Strict):
    rules: list[Rule]

    @model_validator(mode="after")
    def _one_rule_per_kind(self) -> "Policy":
        kinds = [rule.kind for rule in self.rules]
        missing = sorted(set(KINDS) - set(kinds))
        duplicates = sorted({k for k in kinds if kinds.count(k) > 1})
        if missing or duplicates:
            raise ValueError(
                f"one rule per kind of record: missing {missing or '-'}, twice {duplicates or '-'}"
            )
        return self

    def rule(self, kind: str) -> Rule:
        return next(rule for rule in self.rules if rule.kind == kind)


def load_policy(path: Path | None = None) -> Policy:
    """Read and validate the policy; CatalogError names the file, line and field."""
    document = read_yaml(CATALOG_DIR / "retention.yaml" if path is None else path)
    if isinstance(document, RuleError):
        raise CatalogError([document])
    parsed = parse_document(document, Policy)
    if isinstance(parsed, list):
        raise CatalogError(parsed)
    return parsed


@lru_cache(maxsize=1)
def policy() -> Policy:
    return load_policy()
