"""The Solidarité catalog written as an openfisca-core country package, for the benchmark only.

Same variables and schemes as `catalog/`, written the OpenFisca way (Python formulas over numpy
arrays, one class per variable). Parameter values are read from the catalog's scheme files so the
two engines cannot disagree on a number, only on logic. OpenFisca has no notion of an unknown
input, so the twin is compared on complete households, on a date when every scheme is in force.
"""

from openfisca_twin.system import SCHEME_OUTPUTS, build_system, run_population

__all__ = ["SCHEME_OUTPUTS", "build_system", "run_population"]
