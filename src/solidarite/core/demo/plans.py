"""The three plans of the seeds, from catalog/plans/."""

from solidarite.accounts.models import code_for
from solidarite.paths import CATALOG_DIR
from solidarite.plans.files import load_plan_files
from solidarite.plans.loader import load_plans
from solidarite.plans.models import Plan
from solidarite.schemes.services import get_catalog


def load() -> list[Plan]:
    return load_plans(CATALOG_DIR / "plans")


def pilot_codes() -> set[str]:
    """The codes of the organisations the plan files name as pilots (created by the demo)."""
    _statuses, plans = load_plan_files(CATALOG_DIR / "plans", set(get_catalog().schemes))
    names = {
        name
        for plan in plans
        for axis in plan.axes
        for name in [*axis.pilots, *(p for m in axis.measures for p in m.pilots)]
    }
    return {code_for(name) for name in names}
