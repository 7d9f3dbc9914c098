"""axe-core accessibility check, through axe-playwright-python (which ships axe-core)."""

from typing import Any

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = {"serious", "critical"}
_axe = Axe()


def blocking_violations(page: Any) -> list[str]:
    """Serious and critical WCAG violations on the current page, one readable line each."""
    results = _axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
