"""What a synthetic commune must reproduce: the cited figures of `catalog/territory/figures/`.

Every target keeps the figure's year and source, so that the calibration report (targets,
achieved, gap) can cite them. Where the shipped figures are silent, the generator takes a named
assumption (`ASSUMPTIONS`), never an invented figure.
"""

from dataclasses import dataclass, field

from solidarite.rules.errors import InputError, RuleError
from solidarite.territory.files import FigureRow, TerritoryFiles, territory_files

NATIONAL = "FR-M"
HOUSEHOLD_TYPES = (
    "personne_seule",
    "couple_sans_enfant",
    "couple_avec_enfants",
    "famille_monoparentale",
    "autre",
)
AGE_BANDS = ((0, 14), (15, 29), (30, 44), (45, 59), (60, 74), (75, 99))


@dataclass(frozen=True)
class Cited:
    """A figure and where it comes from."""

    value: float
    unit: str
    year: str
    source: str


@dataclass(frozen=True)
class Iris:
    code: str
    median_declared_income: float  # EUR/year per CU (declared income, not disposable)
    qpv: str | None  # the priority district of its quartier, when the link is known


@dataclass(frozen=True)
class CommuneTargets:
    """The figures of one commune a population is calibrated on."""

    code: str
    name: str
    figures: dict[str, Cited]
    iris: tuple[Iris, ...]
    qpv_populations: dict[str, Cited] = field(default_factory=dict)

    def value(self, indicator: str) -> float:
        return self.figures[indicator].value

    @property
    def poverty_line_60(self) -> float:
        """The national poverty threshold, EUR/year per consumption unit."""
        return self.value("poverty_threshold_60_monthly") * 12


REQUIRED = (
    "households",
    "population_municipal",
    "persons_per_household_upper_bound",
    "median_disposable_income_per_cu",
    "d1_disposable_income_per_cu",
    "d9_disposable_income_per_cu",
    "poverty_rate_60",
    "share_single_person_households",
    "couple_without_children_families_per_100_households",
    "couple_with_children_families_per_100_households",
    "single_parent_families_per_100_households",
    *(f"share_population_age_{low}_{high}" for low, high in AGE_BANDS[:-1]),
    "share_population_age_75_plus",
    "share_18_24_in_education",
    "unemployment_rate_census_15_24",
    "unemployment_rate_census_25_54",
    "unemployment_rate_census_55_64",
)


def _latest(rows: list[FigureRow], code: str) -> dict[str, Cited]:
    """The latest year of each indicator of one territory."""
    found: dict[str, tuple[str, Cited]] = {}
    for row in rows:
        if row.code != code:
            continue
        year = row.year if row.year[:4].isdigit() else "0000"
        current = found.get(row.indicator)
        if current is None or year > current[0]:
            found[row.indicator] = (year, Cited(row.value, row.unit, row.year, row.source))
    return {indicator: cited for indicator, (_, cited) in found.items()}


def commune_targets(code: str, files: TerritoryFiles | None = None) -> CommuneTargets:
    """The calibration targets of a commune of the catalog; a clear error when a figure the
    generator needs is not shipped for it."""
    files = files or territory_files()
    names = {c.code: c.name for c in files.communes}
    if code not in names:
        known = ", ".join(sorted(names))
        raise InputError([RuleError("--commune", None, code, f"unknown commune; known: {known}")])
    figures = _latest(files.figures, code) | _latest(files.figures, NATIONAL)
    missing = [name for name in REQUIRED if name not in figures]
    if missing:
        raise InputError(
            [
                RuleError(
                    "catalog/territory/figures",
                    None,
                    code,
                    "no figure for " + ", ".join(missing) + ": this commune cannot be calibrated",
                )
            ]
        )
    quartier_qpv = {
        q.grand_quartier: q.qpv for q in files.areas.quartiers if q.grand_quartier and q.qpv
    }
    iris = tuple(
        Iris(row.code, row.value, quartier_qpv.get(row.code[:7]))
        for row in sorted(files.figures, key=lambda r: r.code)
        if row.level == "iris"
        and row.code.startswith(code)
        and row.indicator == "median_declared_income_per_cu"
    )
    qpv_codes = {q.code for q in files.areas.qpv if q.commune == code}
    qpv_populations = {
        row.code: Cited(row.value, row.unit, row.year, row.source)
        for row in files.figures
        if row.code in qpv_codes and row.indicator == "population_municipal_qpv"
    }
    return CommuneTargets(code, names[code], figures, iris, qpv_populations)


# Where the figures are silent: each assumption the generator takes, as shown in the report.
ASSUMPTIONS: dict[str, dict[str, str]] = {
    "children": {
        "fr": "Enfants par famille : 1 + loi de Poisson, moyenne ajustée sur le nombre moyen de "
        "personnes par ménage (RP 2022) ; âges des enfants de 0 à 24 ans, moitié moins "
        "fréquents après 18 ans.",
        "en": "Children per family: 1 + Poisson, mean fitted to the average household size "
        "(census 2022); children aged 0 to 24, half as frequent past 18.",
    },
    "income_order": {
        "fr": "Le rang de niveau de vie suit un tirage au hasard décalé vers le bas pour les "
        "familles monoparentales et les moins de 30 ans, vers le haut pour les couples sans "
        "enfant (ordre de grandeur des taux de pauvreté Filosofi par âge).",
        "en": "The standard-of-living rank is a random draw shifted down for single parents "
        "and under-30s and up for childless couples (the order of Filosofi poverty rates by "
        "age).",
    },
    "tails": {
        "fr": "Entre les déciles publiés, interpolation log-linéaire ; plancher à 35 % de D1, "
        "plafond à trois fois D9.",
        "en": "Between published deciles, log-linear interpolation; floor at 35 % of D1, "
        "ceiling at three times D9.",
    },
    "resources": {
        "fr": "Les ressources mensuelles du foyer sont son niveau de vie multiplié par ses "
        "unités de consommation, divisé par 12, partagées entre adultes (60 / 40 % dans un "
        "couple).",
        "en": "A household's monthly resources are its standard of living times its "
        "consumption units, divided by 12, shared between adults (60 / 40 % in a couple).",
    },
    "benefits": {
        "fr": "RSA : adultes de 25 ans et plus des ménages sous 750 € par UC et par mois ; ARE : "
        "la moitié des chômeurs (taux de chômage RP 2022 par âge) ; CEJ : 10 % des 18-25 ans "
        "sans emploi ni études ; AAH : 3 % des 20-64 ans.",
        "en": "RSA: adults aged 25 and over in households under 750 EUR per CU a month; ARE: "
        "half of the unemployed (census 2022 rates by age); CEJ: 10 % of 18-25 year-olds "
        "neither working nor studying; AAH: 3 % of 20-64 year-olds.",
    },
    "housing": {
        "fr": "Logement : propriétaires tirés selon la part des propriétaires occupants (RP "
        "2022), répartie entre ménages pauvres et non pauvres par les taux de pauvreté des "
        "propriétaires et des locataires (Filosofi 2021) ; les autres sont locataires ; une "
        "aide au logement pour les locataires pauvres. Tranche d'imposition : les ménages les "
        "plus aisés, dans la part des ménages imposés (Filosofi), à 11 %, ou au-delà au-dessus "
        "de D9. Revenus d'activité : les ressources des 18-64 ans ni au chômage ni étudiants.",
        "en": "Housing: owners drawn with the owner-occupier share (census 2022), split between "
        "poor and other households by the poverty rates of owners and tenants (Filosofi 2021); "
        "the others rent; housing benefit for poor tenants. Tax bracket: the best-off "
        "households, within the share of taxed households (Filosofi), at 11 %, or above it "
        "over D9. Earnings: the resources of 18-64 year-olds neither unemployed nor studying.",
    },
    "residence": {
        "fr": "Ancienneté dans la commune : loi exponentielle de moyenne 117 mois (5 % des "
        "ménages arrivés depuis moins de 6 mois, 10 % depuis moins d'un an).",
        "en": "Time in the commune: exponential with a mean of 117 months (5 % of households "
        "arrived less than 6 months ago, 10 % less than a year ago).",
    },
    "areas": {
        "fr": "Les IRIS ont le même nombre de ménages (l'Insee les découpe autour de 2 000 "
        "habitants) ; un ménage va dans un IRIS d'autant plus modeste qu'il l'est, dans l'ordre "
        "des revenus déclarés médians des IRIS ; les quartiers prioritaires prennent les IRIS "
        "de leur quartier, puis les plus modestes, jusqu'à leur population.",
        "en": "IRIS hold the same number of households (Insee draws them around 2,000 "
        "inhabitants); a household goes to an IRIS as modest as itself, in the order of the "
        "IRIS' median declared incomes; priority districts take the IRIS of their quartier, "
        "then the most modest ones, up to their population.",
    },
}
