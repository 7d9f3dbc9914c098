"""The three plans of the seeds, from catalog/plans/."""

from solidarite.paths import CATALOG_DIR
from solidarite.plans.loader import load_plans
from solidarite.plans.models import Plan


def load() -> list[Plan]:
    return load_plans(CATALOG_DIR / "plans")
