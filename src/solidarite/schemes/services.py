"""Access to the rules catalog for the web apps: one load per process, validated at first use."""

from functools import lru_cache

from django.utils.translation import get_language

from solidarite.paths import CATALOG_DIR
from solidarite.rules.catalog import Catalog, load_catalog
from solidarite.rules.model import Labels


@lru_cache(maxsize=1)
def get_catalog() -> Catalog:
    """The project's catalog; a broken catalog fails loudly here, before any answer is given."""
    return load_catalog(CATALOG_DIR)


def translated(labels: Labels | None) -> str:
    """The label in the active language (French unless English is chosen)."""
    if labels is None:
        return ""
    return labels.en if (get_language() or "fr").startswith("en") else labels.fr
