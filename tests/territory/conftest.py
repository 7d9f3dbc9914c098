"""The seed territories loaded as `make run` loads them: areas, figures, and the directory."""

import datetime as dt
from typing import Any

import pytest

from solidarite.core import clock
from solidarite.territory.exchange import import_places
from solidarite.territory.files import TERRITORY_DIR
from solidarite.territory.hours import PARIS
from solidarite.territory.loading import load_territory

CONFIDENTIAL_SLUG = "chenove-logement-urgence"
# The confidential place's (fictitious) address and position, as the data file holds them.
CONFIDENTIAL_NEEDLES = ("Tilleuls-Fictifs", "47.29113", "5.00937", "47,29113", "5,00937")
# Tuesday 24 November 2026, 14:10 in Besançon: the Planoise permanence and the bus are out.
TUESDAY_AFTERNOON = dt.datetime(2026, 11, 24, 14, 10, tzinfo=PARIS)
TUESDAY_MORNING = dt.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)


@pytest.fixture
def territory(db: Any) -> None:
    load_territory()
    import_places(TERRITORY_DIR / "places.json")


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the platform's clock (every page asks `clock.now()` for "open now")."""

    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)
        monkeypatch.setattr(clock, "today", lambda: moment.date())

    return set_to
