"""A synthetic population that looks like one commune, calibrated on its cited figures.

Drawn with numpy's seeded generator (the same seed gives the same population), then checked
against the targets by `calibration.report`. The standard of living is placed by rank so that
the person-weighted median, D1, D9 and poverty rate at 60 % reproduce Filosofi's: households
are ordered by a random score (shifted by household type and age, see `targets.ASSUMPTIONS`),
and each takes the quantile of the published distribution at its place among persons.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from solidarite.microsim.targets import AGE_BANDS, HOUSEHOLD_TYPES, CommuneTargets
from solidarite.rules.inputs import HOUSEHOLD_ID

WEIGHT = "weight"
STANDARD_OF_LIVING = "niveau_vie_annuel"  # EUR/year per consumption unit, before any scheme
HOUSEHOLD_TYPE = "type_menage"
IRIS = "iris"
QPV = "qpv"
META_COLUMNS = (WEIGHT, STANDARD_OF_LIVING, HOUSEHOLD_TYPE, IRIS, QPV, "uc", "nb_personnes")

_RSA_LINE = 750.0  # EUR/month per CU: see targets.ASSUMPTIONS["benefits"]
_SCORE_SHIFT = {"famille_monoparentale": -0.25, "couple_sans_enfant": 0.1}


@dataclass(frozen=True)
class SyntheticPopulation:
    """Households (engine inputs and meta columns) and persons (engine inputs)."""

    households: pl.DataFrame
    persons: pl.DataFrame
    commune: str
    seed: int


def type_shares(targets: CommuneTargets) -> np.ndarray:
    single = targets.value("share_single_person_households") / 100
    couple = targets.value("couple_without_children_families_per_100_households") / 100
    with_children = targets.value("couple_with_children_families_per_100_households") / 100
    single_parent = targets.value("single_parent_families_per_100_households") / 100
    other = max(0.0, 1 - single - couple - with_children - single_parent)
    shares = np.array([single, couple, with_children, single_parent, other])
    return np.asarray(shares / shares.sum())


def _mean_children(targets: CommuneTargets, shares: np.ndarray) -> float:
    """Children per family such that the average household size is the census one."""
    size = targets.value("persons_per_household_upper_bound")
    without = shares[0] + 2 * shares[1] + 2 * shares[2] + shares[3] + 2 * shares[4]
    families = shares[2] + shares[3]
    return float(max(1.0, (size - without) / families)) if families else 1.0


def age_band_shares(targets: CommuneTargets) -> np.ndarray:
    names = [f"share_population_age_{low}_{high}" for low, high in AGE_BANDS[:-1]]
    names.append("share_population_age_75_plus")
    shares = np.array([targets.value(name) for name in names])
    return np.asarray(shares / shares.sum())


def _quantile_curve(targets: CommuneTargets) -> tuple[np.ndarray, np.ndarray]:
    """Knots of the standard-of-living distribution (person rank -> EUR/year per CU)."""
    d1 = targets.value("d1_disposable_income_per_cu")
    median = targets.value("median_disposable_income_per_cu")
    d9 = targets.value("d9_disposable_income_per_cu")
    poor = targets.value("poverty_rate_60") / 100
    line = targets.poverty_line_60
    knots = sorted({0.0: 0.35 * d1, 0.1: d1, poor: line, 0.5: median, 0.9: d9, 1.0: 3 * d9}.items())
    ranks = np.array([k for k, _ in knots])
    values = np.log(np.array([v for _, v in knots]))
    return ranks, values


def _adult_ages(rng: np.random.Generator, shares: np.ndarray, count: int) -> np.ndarray:
    """Adult ages from band shares (the 15-29 band starts at 18 for an adult)."""
    bands = rng.choice(len(AGE_BANDS), size=count, p=shares)
    low = np.array([max(18, b[0]) for b in AGE_BANDS])[bands]
    high = np.array([b[1] for b in AGE_BANDS])[bands]
    return np.asarray(low + np.floor(rng.random(count) * (high - low + 1))).astype(np.int64)


def generate(
    targets: CommuneTargets, households: int | None = None, seed: int = 1
) -> SyntheticPopulation:
    """`households` drawn (default: the census count, weight 1); each weighs census / drawn."""
    rng = np.random.default_rng(seed)
    census = targets.value("households")
    n = int(households or round(census))
    weight = census / n
    shares = type_shares(targets)
    kinds = rng.choice(len(HOUSEHOLD_TYPES), size=n, p=shares)
    with_children = (kinds == 2) | (kinds == 3)
    children = np.where(with_children, 1 + rng.poisson(_mean_children(targets, shares) - 1, n), 0)
    adults = np.select([kinds == 0, kinds == 3], [1, 1], 2)

    # Adults: families are headed by 18-59 year-olds; other households take the remaining
    # band shares so that the whole population approaches the census bands.
    band_target = age_band_shares(targets)
    parent_bands = np.array([0, 0.15, 0.45, 0.4, 0, 0])
    total_persons = float((adults + children).sum())
    # Children: as many under 15 as the census band holds, the others 15 to 24 (half as
    # frequent past 18).
    under_15 = min(0.95, band_target[0] * total_persons / max(float(children.sum()), 1.0))
    older = np.array([1.0] * 3 + [0.5] * 7)
    child_ages_p = np.concatenate(
        [np.full(15, under_15 / 15), (1 - under_15) * older / older.sum()]
    )
    child_band = (
        np.array(
            [
                child_ages_p[low : min(high, 24) + 1].sum() if low <= 24 else 0
                for low, high in AGE_BANDS
            ]
        )
        * children.sum()
    )
    parent_count = float(adults[with_children].sum())
    free = band_target * total_persons - child_band - parent_bands * parent_count
    free[0] = 0
    free = np.clip(free, 0, None)
    free_shares = free / free.sum()
    ages_first = np.where(
        with_children,
        _adult_ages(rng, parent_bands, n),
        _adult_ages(rng, free_shares, n),
    )
    partner_gap = np.round(rng.normal(0, 3, n)).astype(np.int64)
    ages_second = np.clip(ages_first + partner_gap, 18, 99)

    # Standard of living by person-weighted rank.
    size = adults + children
    score = rng.random(n) + np.select([kinds == 3, kinds == 1], [-0.25, 0.1], 0.0)
    score += np.where(ages_first < 30, -0.15, 0.0) + np.where(ages_first >= 75, 0.05, 0.0)
    order = np.argsort(score, kind="stable")
    cumulative = np.cumsum(size[order]) - size[order] / 2
    rank = np.empty(n)
    rank[order] = cumulative / size.sum()
    ranks, log_values = _quantile_curve(targets)
    standard_of_living = np.round(np.exp(np.interp(rank, ranks, log_values)), 0)

    persons = _persons(
        rng, targets, n, kinds, adults, children, ages_first, ages_second, child_ages_p
    )
    uc = (
        persons.group_by(HOUSEHOLD_ID)
        .agg(
            uc=1
            + 0.5 * ((pl.col("age") >= 14).sum() - 1).clip(lower_bound=0)
            + 0.3 * (pl.col("age") < 14).sum()
        )
        .sort(HOUSEHOLD_ID)["uc"]
        .to_numpy()
    )
    monthly = standard_of_living * uc / 12
    persons = _share_resources(rng, persons, monthly, standard_of_living, targets)
    iris, qpv = _places(rng, targets, rank, size)
    residence = np.minimum(np.floor(rng.exponential(117, n)), 1200).astype(np.int64)
    # Drawn last: the draws above (and so every earlier figure) stay the same.
    housing = _national_inputs(rng, targets, standard_of_living)
    frame = pl.DataFrame(
        {
            HOUSEHOLD_ID: np.arange(n, dtype=np.int64),
            "commune_residence": [targets.code] * n,
            "duree_residence_mois": residence,
            WEIGHT: np.full(n, weight),
            STANDARD_OF_LIVING: standard_of_living,
            HOUSEHOLD_TYPE: np.array(HOUSEHOLD_TYPES)[kinds],
            IRIS: iris,
            QPV: qpv,
            "uc": uc,
            "nb_personnes": size.astype(np.int64),
            **housing,
        }
    )
    return SyntheticPopulation(frame, persons, targets.code, seed)


def _national_inputs(
    rng: np.random.Generator, targets: CommuneTargets, standard_of_living: np.ndarray
) -> dict[str, np.ndarray]:
    """What the national rights read besides resources (targets.ASSUMPTIONS["housing"]):
    owners drawn with the owner-occupier share split by the poverty rates of owners and tenants,
    housing benefit for poor tenants, the tax bracket by rank against the taxed share. A commune
    without these figures gets none of them (the national rights then stay undecided)."""
    needed = ("owner_occupier_share", "poverty_rate_60_owners", "share_taxed_households")
    if any(name not in targets.figures for name in needed):
        return {}
    n = standard_of_living.size
    poor = standard_of_living < targets.poverty_line_60
    owners = targets.value("owner_occupier_share") / 100
    rate = max(targets.value("poverty_rate_60") / 100, 1e-6)
    poor_owner = min(1.0, owners * targets.value("poverty_rate_60_owners") / 100 / rate)
    other_owner = min(
        1.0, owners * (1 - targets.value("poverty_rate_60_owners") / 100) / (1 - rate)
    )
    owner = rng.random(n) < np.where(poor, poor_owner, other_owner)
    taxed_share = targets.value("share_taxed_households") / 100
    order = np.argsort(np.argsort(standard_of_living, kind="stable"), kind="stable")
    taxed = order >= n * (1 - taxed_share)
    high = standard_of_living >= targets.value("d9_disposable_income_per_cu")
    return {
        "statut_logement": np.where(owner, "proprietaire", "locataire"),
        "percoit_aide_logement": ~owner & poor,
        "tranche_imposition": np.select([~taxed, high], ["tranche_0", "au_dela"], "tranche_11"),
    }


def _persons(
    rng: np.random.Generator,
    targets: CommuneTargets,
    n: int,
    kinds: np.ndarray,
    adults: np.ndarray,
    children: np.ndarray,
    ages_first: np.ndarray,
    ages_second: np.ndarray,
    child_ages_p: np.ndarray,
) -> pl.DataFrame:
    size = adults + children
    household = np.repeat(np.arange(n, dtype=np.int64), size)
    index = np.arange(household.size) - np.repeat(np.cumsum(size) - size, size)
    adult_count = np.repeat(adults, size)
    is_first = index == 0
    is_second = (index == 1) & (adult_count == 2)
    kind = np.repeat(kinds, size)
    role = np.select(
        [is_first, is_second & (kind == 4), is_second],
        ["demandeur", "autre_membre", "conjoint"],
        "enfant_a_charge",
    )
    child_age = rng.choice(child_ages_p.size, size=household.size, p=child_ages_p)
    # A child is at least 16 years younger than the household's first adult.
    child_age = np.minimum(child_age, np.maximum(np.repeat(ages_first, size) - 16, 0))
    age = np.select(
        [is_first, is_second],
        [np.repeat(ages_first, size), np.repeat(ages_second, size)],
        child_age,
    )
    adult = age >= 18
    young = (age >= 18) & (age <= 24)
    in_education = young & (
        rng.random(household.size) < targets.value("share_18_24_in_education") / 100
    )
    unemployment = (
        np.select(
            [age < 25, age < 55],
            [
                targets.value("unemployment_rate_census_15_24"),
                targets.value("unemployment_rate_census_25_54"),
            ],
            targets.value("unemployment_rate_census_55_64"),
        )
        / 100
    )
    working_age = adult & (age <= 64) & ~in_education
    unemployed = working_age & (rng.random(household.size) < unemployment)
    return pl.DataFrame(
        {
            HOUSEHOLD_ID: household,
            "role": role,
            "age": age.astype(np.int64),
            "etudiant": in_education,
            "_unemployed": unemployed,
            "percoit_are": unemployed & (rng.random(household.size) < 0.5),
            "percoit_garantie_jeunes": young
            & ~in_education
            & unemployed
            & (rng.random(household.size) < 0.1 / max(unemployment.mean(), 0.01)),
            "percoit_aah": (age >= 20) & (age <= 64) & (rng.random(household.size) < 0.03),
            "eleve_cm1_chenove": (age == 9)
            & (targets.code == "21166")
            & (rng.random(household.size) < 0.9),
            "agent_municipal_chenove": working_age
            & ~unemployed
            & (targets.code == "21166")
            & (rng.random(household.size) < 0.02),
        }
    )


def _share_resources(
    rng: np.random.Generator,
    persons: pl.DataFrame,
    monthly: np.ndarray,
    standard_of_living: np.ndarray,
    targets: CommuneTargets,
) -> pl.DataFrame:
    """The household's resources go to its adults: 60 / 40 % for a couple, nothing to a child
    unless a working adult child (who then takes a fifth)."""
    role = pl.col("role")
    adult_child = (role == "enfant_a_charge") & (pl.col("age") >= 18)
    earns = adult_child & ~pl.col("etudiant") & ~pl.col("_unemployed")
    share = (
        pl.when(role == "demandeur")
        .then(pl.when(pl.col("_second")).then(0.6).otherwise(1.0))
        .when(role.is_in(["conjoint", "autre_membre"]))
        .then(0.4)
        .when(earns)
        .then(0.2)
        .otherwise(0.0)
    )
    ids = persons[HOUSEHOLD_ID].to_numpy()
    return (
        persons.with_columns(
            _second=(role.is_in(["conjoint", "autre_membre"])).any().over(HOUSEHOLD_ID),
            _monthly=pl.Series(monthly[ids]),
            _poor=pl.Series(standard_of_living[ids] / 12 < _RSA_LINE),
        )
        .with_columns(_share=share)
        .with_columns(_share=pl.col("_share") / pl.col("_share").sum().over(HOUSEHOLD_ID))
        .with_columns(
            revenus_mensuels=(pl.col("_monthly") * pl.col("_share")).round(0),
            # Earnings: the resources of adults of working age who work (neither unemployed
            # nor studying); pensions, unemployment benefit and the rest otherwise.
            revenus_activite_mensuels=pl.when(
                pl.col("age").is_between(18, 64) & ~pl.col("etudiant") & ~pl.col("_unemployed")
            )
            .then((pl.col("_monthly") * pl.col("_share")).round(0))
            .otherwise(0.0),
            percoit_rsa=pl.col("_poor")
            & (pl.col("age") >= 25)
            & role.is_in(["demandeur", "conjoint"]),
        )
        .with_columns(
            # Whoever receives RSA or a youth allowance has resources, however small.
            percoit_garantie_jeunes=pl.col("percoit_garantie_jeunes") & ~pl.col("percoit_rsa"),
        )
        .drop("_second", "_monthly", "_poor", "_share", "_unemployed")
    )


def _places(
    rng: np.random.Generator,
    targets: CommuneTargets,
    rank: np.ndarray,
    size: np.ndarray,
) -> tuple[list[str | None], list[str | None]]:
    """An IRIS per household, in the order of the IRIS' median declared incomes (with noise),
    and the priority district its IRIS belongs to (see targets.ASSUMPTIONS["areas"])."""
    n = rank.size
    if not targets.iris:
        return [None] * n, [None] * n
    iris = sorted(targets.iris, key=lambda i: i.median_declared_income)
    noisy = rank + rng.normal(0, 0.15, n)
    order = np.argsort(noisy, kind="stable")
    block = np.empty(n, dtype=np.int64)
    block[order] = np.arange(n) * len(iris) // n
    codes: list[str | None] = [iris[b].code for b in block]
    population = targets.value("population_municipal")
    qpv: list[str | None] = [None] * n
    taken_iris: set[int] = set()
    for code, cited in sorted(targets.qpv_populations.items(), key=lambda kv: -kv[1].value):
        wanted = cited.value / population * float(size.sum())
        linked = [i for i, spec in enumerate(iris) if spec.qpv == code]
        others = [i for i, spec in enumerate(iris) if spec.qpv is None and i not in taken_iris]
        taken = 0.0
        for index in linked + others:
            members = np.flatnonzero(block == index)
            for household in members[np.argsort(rank[members], kind="stable")]:
                if taken >= wanted:
                    break
                if qpv[household] is None:
                    qpv[household] = code
                    taken += float(size[household])
            taken_iris.add(index)
            if taken >= wanted:
                break
    return codes, qpv
