"""The plain-Python back-end: one household, every scheme, in microseconds, with the why.

It walks the same trees with the same interval rules as the population back-end, on Python
values. On top of the answer it finds, for each undecided scheme, the unknown answers that can
still change it (by trying the values each could take) and the values an amount rests on.
"""

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from solidarite.rules import derivation, outcomes, traced, traced_states
from solidarite.rules import intervals as iv
from solidarite.rules.intervals import Value
from solidarite.rules.outcomes import Outcome
from solidarite.rules.schemes import Resolved, Scheme, variables_read
from solidarite.rules.territory import Communes
from solidarite.rules.tree import constants
from solidarite.rules.variables import Variable, VariableSet

Answers = dict[str, Any]
Key = tuple[str, int | None]  # (scheme id, member index or None for a household scheme)
Slot = tuple[str, int | None]  # (input name, member index or None for a household input)
PAIR_PROBE_LIMIT = 6  # unknown answers tried two by two when none decides alone


@dataclass(frozen=True)
class Domains:
    """What an unknown answer can be, per variable, computed once per catalog."""

    unknown: Mapping[str, Value]
    probes: Mapping[str, tuple[Any, ...]]


def domains(variables: VariableSet, communes: Communes, schemes: Sequence[Scheme]) -> Domains:
    unknown: dict[str, Value] = {}
    probes: dict[str, tuple[Any, ...]] = {}
    numbers: set[float] = {0.0}
    for scheme in schemes:
        if scheme.spec.scope == "national":
            continue  # never probed (see `deciding`): their amounts would only add probes
        for formula in scheme.formulas:
            numbers |= {float(c) for c in constants(formula.tree) if _is_number(c)}
        for parameter in scheme.parameters.values():
            for value in parameter.spec.values.values():
                if _is_number(value):
                    numbers.add(float(value))  # type: ignore[arg-type]
    for variable in variables.by_name.values():
        spec = variable.spec
        if spec.type == "bool":
            unknown[spec.name] = iv.UNKNOWN_BOOL
            probes[spec.name] = (False, True)
        elif spec.type in ("int", "float"):
            lo = -math.inf if spec.minimum is None else spec.minimum
            hi = math.inf if spec.maximum is None else spec.maximum
            unknown[spec.name] = iv.number(float(lo), float(hi))
            step = 1.0 if spec.type == "int" else 0.01
            candidates = {lo, hi} | {n + d for n in numbers for d in (-step, 0.0, step)}
            probes[spec.name] = tuple(
                sorted(
                    (int(c) if spec.type == "int" else c)
                    for c in candidates
                    if math.isfinite(c) and lo <= c <= hi and (spec.type != "int" or c == int(c))
                )
            )
        elif spec.type in ("enum", "commune"):
            options = frozenset(spec.values or ()) if spec.type == "enum" else communes.codes
            unknown[spec.name] = Value("text", None, None, domain=options)
            probes[spec.name] = tuple(sorted(options))
        else:
            unknown[spec.name] = Value("text", None, None)
            probes[spec.name] = ()
    return Domains(unknown, probes)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


PersonValues = tuple[dict[str, Value], dict[str, derivation.Part]]


@dataclass
class State:
    household: dict[str, Value]
    persons: list[dict[str, Value]]
    outcomes: dict[Key, Outcome]
    # Per member, her derived variables and aggregate parts (`derivation.person_values`): a probe
    # of another member's answer, or of the household's, keeps them.
    person_values: list[PersonValues]
    # When the rest of the evaluation was done by its written function: its table and the names
    # it added (`traced_states.continued_table`, for the search's table of this state).
    after_rest: "traced_states.Continued | None" = None


def known_value(variable: Variable, raw: Any) -> Value:
    return known_answer(variable.spec.type in ("int", "float"), raw)


def known_answer(number: bool, raw: Any) -> Value:
    """A given answer as the engine reads it (`number`: an int or a float variable's)."""
    return iv.constant(float(raw) if number else raw)


def run(
    variables: VariableSet,
    order: Sequence[Scheme],
    space: Domains,
    household: Answers,
    persons: Sequence[Answers],
    date: dt.date,
    values: Mapping[str, Mapping[str, Resolved]],
) -> State:
    """Every variable and every scheme's outcome for one household."""
    members = [_person_env(variables, space, person, date) for person in persons]
    home: dict[str, Value] = {}
    for variable in variables.inputs("household"):
        raw = household.get(variable.name)
        home[variable.name] = (
            space.unknown[variable.name] if raw is None else known_value(variable, raw)
        )
    person_formulas, aggregates, household_formulas = _to_derive(variables, None, None)
    computed = _members_values(variables, members, person_formulas)
    graph = _graph(variables, order)

    on_the_state: list[bool] = []  # whether the rules ran on this state itself (changing it)

    def rest(given: "traced_states.State | None") -> "traced_states.Rest":
        # The aggregates, the household's formulas, then every scheme in order.
        if given is None:
            on_the_state.append(True)
        names, envs, parts = (home, members, computed) if given is None else given
        _household_values(variables, names, parts, aggregates, household_formulas)
        found = _outcomes(variables, order, values, date, names, envs)
        added = {name: names[name] for name in graph.added_to_household}
        return found, added, [{name: env[name] for name in graph.published} for env in envs]

    # Through the function written for the shape of this state (`traced_states`): one call
    # instead of a lookup, a shape and a call per scheme.
    states = traced_states.state_table("rest", (graph, values), date, (home, members, computed))
    found, added, published = traced_states.rest(states, rest)
    home.update(added)
    for env, names in zip(members, published, strict=True):
        env.update(names)
    after = None if on_the_state else (states, added, published)
    return State(home, members, found, computed, after)


def rerun(
    variables: VariableSet,
    order: Sequence[Scheme],
    space: Domains,
    base: State,
    assignment: Mapping[Slot, Any],
    date: dt.date,
    values: Mapping[str, Mapping[str, Resolved]],
    reads: Mapping[str, frozenset[str]],
    fixed: frozenset[str] = frozenset(),
    derived: frozenset[str] | None = None,
    asked: frozenset[int] | None = None,
) -> State:
    """`run` once more with the answers of `assignment` given (a probe of `deciding`): what
    does not read them keeps its value and outcome from `base`, computed without them. `reads`
    holds each scheme's inputs, the schemes it reads included (`relevant_inputs`); the schemes
    in `fixed` keep their base outcome whatever they read; with `derived`, only those derived
    variables are computed again (the ones the evaluated schemes read: the others keep their
    base value, out of date and unread); with `asked`, person schemes are evaluated again only
    for those members (a person's result never reads another member's)."""
    names = frozenset(name for name, _ in assignment)
    # A person's formulas read her own answers only: only the members answered again change.
    answered = frozenset(member for _, member in assignment if member is not None)
    home = dict(base.household)
    # A member neither answered nor asked about is only read: her names are the base's.
    members = [
        dict(env) if index in answered or asked is None or index in asked else env
        for index, env in enumerate(base.persons)
    ]
    by_name = variables.by_name
    for (name, member), answer in assignment.items():
        if member is None:
            home[name] = known_value(by_name[name], answer)
        else:
            members[member][name] = known_value(by_name[name], answer)
            for age in variables.ages():  # an age in months follows an age in years
                if age.spec.age_of and age.spec.age_of.unit == "months" and name in age.inputs:
                    members[member][age.name] = _months_from_years(
                        variables, members[member], age, space
                    )
    computed = _derive(variables, home, members, names, derived, answered, base.person_values)
    found = _outcomes(
        variables, order, values, date, home, members, base.outcomes, names, reads, fixed, asked
    )
    return State(home, members, found, computed)


def _derive(
    variables: VariableSet,
    home: dict[str, Value],
    members: list[dict[str, Value]],
    changed: frozenset[str] | None = None,
    wanted: frozenset[str] | None = None,
    answered: frozenset[int] | None = None,
    previous: Sequence[PersonValues] | None = None,
) -> list[PersonValues]:
    """The derived variables (only those reading an input in `changed`, and in `wanted`,
    when given; a person's formulas only for the members in `answered`, when given), from each
    member's values (`derivation.person_values`, through the function of her shape; a member not
    in `answered` keeps her `previous` ones, read from the same answers)."""
    person_formulas, aggregates, household_formulas = _to_derive(variables, changed, wanted)
    computed = _members_values(variables, members, person_formulas, answered, previous)
    _household_values(variables, home, computed, aggregates, household_formulas)
    return computed


def _members_values(
    variables: VariableSet,
    members: list[dict[str, Value]],
    person_formulas: tuple[str, ...],
    answered: frozenset[int] | None = None,
    previous: Sequence[PersonValues] | None = None,
) -> list[PersonValues]:
    """Each member's own values (`_derive`), her `person_formulas` put in her names."""
    computed = [
        previous[index]
        if previous is not None and answered is not None and index not in answered
        else traced.person_values(variables, env)
        for index, env in enumerate(members)
    ]
    for index, (env, (formulas, _)) in enumerate(zip(members, computed, strict=True)):
        if answered is None or index in answered:
            for name in person_formulas:
                env[name] = formulas[name]
    return computed


def _household_values(
    variables: VariableSet,
    home: dict[str, Value],
    computed: Sequence[PersonValues],
    aggregates: tuple[Variable, ...],
    household_formulas: tuple[str, ...],
) -> None:
    """The household's `aggregates` over its members' parts, then its `household_formulas`."""
    for variable in aggregates:
        parts = [parts[variable.name] for _, parts in computed]
        home[variable.name] = derivation.typed(variable, derivation.aggregate(variable, parts))
    if household_formulas:
        found = traced.household_values(variables, home)
        for name in household_formulas:
            home[name] = found[name]


Derivations = tuple[tuple[str, ...], tuple[Variable, ...], tuple[str, ...]]
# Per catalog's variables (held, so that their id stays their own) and sets asked.
_DERIVATIONS: dict[
    tuple[int, frozenset[str] | None, frozenset[str] | None], tuple[VariableSet, Derivations]
] = {}


def _to_derive(
    variables: VariableSet, changed: frozenset[str] | None, wanted: frozenset[str] | None
) -> Derivations:
    """The person formulas, aggregates and household formulas `_derive` computes again: those
    reading an input in `changed` and in `wanted` (each when given). Kept per catalog and sets:
    a probe asks the same few sets for every household."""
    key = (id(variables), changed, wanted)
    entry = _DERIVATIONS.get(key)
    if entry is None or entry[0] is not variables:
        if len(_DERIVATIONS) > 4_096:
            _DERIVATIONS.clear()

        def kept(variable: Variable) -> bool:
            return (changed is None or not changed.isdisjoint(variable.inputs)) and (
                wanted is None or variable.name in wanted
            )

        person = tuple(v.name for level in variables.person_formulas for v in level if kept(v))
        home = tuple(v.name for level in variables.household_formulas for v in level if kept(v))
        aggregates = tuple(v for v in variables.aggregates if kept(v))
        entry = _DERIVATIONS[key] = (variables, (person, aggregates, home))
    return entry[1]


def _outcomes(
    variables: VariableSet,
    order: Sequence[Scheme],
    values: Mapping[str, Mapping[str, Resolved]],
    date: dt.date,
    home: dict[str, Value],
    members: list[dict[str, Value]],
    base: Mapping[Key, Outcome] | None = None,
    changed: frozenset[str] = frozenset(),
    reads: Mapping[str, frozenset[str]] | None = None,
    fixed: frozenset[str] = frozenset(),
    asked: frozenset[int] | None = None,
) -> dict[Key, Outcome]:
    """Each scheme's outcome, published for the schemes after it. With `base`, a scheme that
    reads none of the `changed` inputs, or is `fixed`, keeps its base outcome (published there
    already), and so does a person scheme for a member not in `asked`, when given."""
    results: dict[Key, Outcome] = {}
    for scheme in order:
        scheme_id = scheme.id
        of_household = scheme.spec.entity == "household"
        if (
            base is not None
            and reads is not None
            and (scheme_id in fixed or changed.isdisjoint(reads[scheme_id]))
        ):
            keys = (
                [(scheme_id, None)]
                if of_household
                else [(scheme_id, index) for index in range(len(members))]
            )
            if all(key in base for key in keys):
                results.update((key, base[key]) for key in keys)
                continue
        in_force = scheme.in_force(date)
        if of_household:
            outcome = (
                traced.scheme_outcome(scheme, variables, values[scheme.id], home)
                if in_force
                else outcomes.not_in_force(scheme)
            )
            results[(scheme.id, None)] = outcome
            outcomes.publish(home, scheme, outcome)
            continue
        for index, env in enumerate(members):
            if asked is not None and base is not None and index not in asked:
                results[(scheme.id, index)] = base[(scheme.id, index)]
                continue
            outcome = (
                traced.scheme_outcome(scheme, variables, values[scheme.id], env, home)
                if in_force
                else outcomes.not_in_force(scheme)
            )
            results[(scheme.id, index)] = outcome
            outcomes.publish(env, scheme, outcome)
    return results


def _person_env(
    variables: VariableSet, space: Domains, person: Answers, date: dt.date
) -> dict[str, Value]:
    env: dict[str, Value] = {}
    unknown = space.unknown
    for name, number, is_date in variables.answer_fields["person"]:
        if not is_date:
            raw = person.get(name)
            env[name] = unknown[name] if raw is None else known_answer(number, raw)
    for variable in variables.ages():
        age_of = variable.spec.age_of
        assert age_of is not None
        birth = person.get(age_of.birth_date)
        if birth is not None:
            # The birth date wins over an age also given; born after the date counts as 0.
            years, months = outcomes.age_at(min(birth, date), date)
            env[variable.name] = iv.constant(float(years if age_of.unit == "years" else months))
        elif person.get(variable.name) is not None:
            env[variable.name] = iv.constant(float(person[variable.name]))
        elif age_of.unit == "months":
            env[variable.name] = _months_from_years(variables, env, variable, space)
        else:
            env[variable.name] = space.unknown[variable.name]
    return env


def _months_from_years(
    variables: VariableSet, env: dict[str, Value], months: Variable, space: Domains
) -> Value:
    """Someone aged 19 is 228 to 239 months old."""
    unknown = space.unknown[months.name]
    years = years_sibling(variables, months)
    if years is None:
        return unknown
    value = env[years.name]
    return iv.number(max(value.lo * 12, unknown.lo), min(value.hi * 12 + 11, unknown.hi))


def years_sibling(variables: VariableSet, months: Variable) -> Variable | None:
    """The age in years that comes from the same birth date as an age in months."""
    assert months.spec.age_of is not None
    for years in variables.ages():
        age_of = years.spec.age_of
        if age_of and age_of.unit == "years" and age_of.birth_date == months.spec.age_of.birth_date:
            return years
    return None


# --- what an outcome says -----------------------------------------------------------------------
def eligible_of(outcome: Outcome) -> bool | None:
    if outcome.sure:
        return True
    if not outcome.possible:
        return False
    return None


def amount_of(outcome: Outcome) -> float | None:
    if outcome.amount_lo is None or outcome.amount_lo != outcome.amount_hi:
        return None
    return float(outcome.amount_lo)


def signature(outcome: Outcome) -> tuple[bool | None, float | None]:
    return signature_of(*fields(outcome))


def fields(outcome: Outcome) -> tuple[Any, Any, Any, Any]:
    """What `signature_of` reads of an outcome."""
    return outcome.sure, outcome.possible, outcome.amount_lo, outcome.amount_hi


def signature_of(sure: Any, possible: Any, lo: Any, hi: Any) -> tuple[bool | None, float | None]:
    """`signature` from an outcome's `fields`."""
    eligible = True if sure else (False if not possible else None)
    return eligible, (None if lo is None or lo != hi else float(lo))


def undecided(outcome: Outcome) -> bool:
    """Whether the result is open: its status unknown (`eligible_of` is None), or surely
    eligible with an amount not yet known (`amount_of` is None for a bounded amount)."""
    if outcome.sure:
        return outcome.amount_lo is not None and outcome.amount_lo != outcome.amount_hi
    return bool(outcome.possible)


# --- the questions that can still change an answer ---------------------------------------------
def deciding(
    variables: VariableSet,
    order: Sequence[Scheme],
    space: Domains,
    household: Answers,
    persons: Sequence[Answers],
    date: dt.date,
    values: Mapping[str, Mapping[str, Resolved]],
    state: State,
) -> dict[Key, frozenset[str]]:
    """Per undecided result, the unknown inputs one answer to which changes its status or amount
    (or, when no single answer can, those that change it two at a time)."""
    graph = _graph(variables, order)
    open_all = tuple(key for key, outcome in state.outcomes.items() if undecided(outcome))
    if not open_all:
        return {}
    search = graph.search(open_all, tuple(missing_slots(variables, household, persons)))
    found: dict[Key, set[str]] = {key: set() for key in open_all}
    for key, names in search.national:
        found[key] = set(names)
    open_keys = search.open_keys
    reads = graph.reads
    # A municipal aid reads a national right only through an answered-else-computed input (the
    # youth aid reads the CEJ when the person has not said whether she receives it). While its
    # questions are probed, the national right keeps the household's result: the aid lists the
    # input itself, whose answer settles that path, and the national right lists every unknown
    # answer it reads, so the simulator asks them all. Probing incomes through the prime
    # d'activité's interval rules took most of a first page's time.
    fixed = graph.fixed
    trial_for = graph.trial
    # Each probe through the function its trial wrote for the shape of this household's state
    # (`traced_states.probe`): the bookkeeping of a trial (copies, lookups, the schemes kept)
    # is written away with what the shape settles.
    states = traced_states.continued_table(
        "probe",
        (graph, values, space),
        date,
        (state.household, state.persons, state.person_values),
        state.after_rest,
    )

    before = {key: signature(state.outcomes[key]) for key in open_keys}

    def trial(
        given: "traced_states.State | None", assignment: Assignment, plan: "Plan"
    ) -> "traced_states.Probed":
        asked, trial_order, derived, members = plan
        base = state if given is None else State(given[0], given[1], state.outcomes, given[2])
        found = rerun(
            variables,
            trial_order,
            space,
            base,
            dict(assignment),
            date,
            values,
            reads,
            fixed,
            derived,
            members,
        ).outcomes
        return tuple(None if found[k] is base.outcomes[k] else fields(found[k]) for k in asked)

    def changed(assignment: Assignment, plan: "Plan") -> list[Key]:
        """The results of `plan` whose status or amount the answers of `assignment` change."""
        asked = plan[0]
        tried = traced_states.probe(states, (assignment, asked), trial, assignment, plan)
        return [
            k
            for k, found in zip(asked, tried, strict=True)
            if found is not None and signature_of(*found) != before[k]
        ]

    # A slot's answers are tried until every result it reaches has changed; a probe asks only
    # about the results still unchanged (planned again only when that set shrinks).
    for slot, keys in search.by_slot:
        remaining = frozenset(keys)
        plan = search.plan(remaining, trial_for)
        for answer in _extremes_first(space.probes.get(slot[0], ())):
            if not remaining:
                break
            hits = changed(((slot, answer),), plan)
            if hits:
                for key in hits:
                    found[key].add(slot[0])
                remaining = remaining.difference(hits)
                if remaining:
                    plan = search.plan(remaining, trial_for)
    for key, candidates in search.pairs:
        if found[key]:
            continue
        alone = search.plan(frozenset((key,)), trial_for)
        for first, second in combinations(candidates, 2):
            if first[0] == second[0]:
                continue
            if any(
                changed(((first, a), (second, b)), alone)
                for a in _spread(space.probes.get(first[0], ()))
                for b in _spread(space.probes.get(second[0], ()))
            ):
                found[key] |= {first[0], second[0]}
    return {key: frozenset(names) for key, names in found.items()}


@dataclass(frozen=True)
class _Search:
    """What the search for the deciding questions probes, given the results still open and the
    unknown answers (`_Graph.search`): nothing in it depends on the answers' values."""

    national: tuple[tuple[Key, frozenset[str]], ...]  # each open national right: what it lists
    open_keys: tuple[Key, ...]  # the open results probed (the municipal ones), in order
    by_slot: tuple[tuple[Slot, tuple[Key, ...]], ...]  # each slot probed: the results it reaches
    pairs: tuple[tuple[Key, tuple[Slot, ...]], ...]  # each result: the slots tried two by two
    _plans: dict[frozenset[Key], "Plan"] = field(default_factory=dict, compare=False)

    def plan(
        self,
        keys: frozenset[Key],
        trial: Callable[[frozenset[str]], tuple[list[Scheme], frozenset[str]]],
    ) -> "Plan":
        """What a probe asking about `keys` evaluates (kept: every answer tried for a slot asks
        the same): the results in `open_keys` order (the same each time), the schemes of its
        `trial` in order and the derived variables they read, the members asked about. A probe
        only needs the schemes it asks about and those they read, and of those only what reads
        the probed answers changes: the rest is the household's state already."""
        found = self._plans.get(keys)
        if found is None:
            asked = tuple(k for k in self.open_keys if k in keys)
            trial_order, derived = trial(frozenset(k[0] for k in asked))
            members = frozenset(k[1] for k in asked if k[1] is not None)
            found = self._plans[keys] = (asked, trial_order, derived, members)
        return found


# A probe's plan (`_Search.plan`).
Plan = tuple[tuple[Key, ...], list[Scheme], frozenset[str], frozenset[int]]
# A probe's answers, in order: each slot probed and the answer tried.
Assignment = tuple[tuple[Slot, Any], ...]


def _plan_search(graph: "_Graph", open_all: tuple[Key, ...], slots: tuple[Slot, ...]) -> _Search:
    """The `_Search` for these open results and unknown answers (kept by `_Graph.search`)."""
    by_id = graph.by_id
    # A scheme read by another one matters through its result only while that result is open:
    # a decided result stays decided whatever the answers (property a), so the inputs behind it
    # cannot change the reader any more (a 19-year-old's ASPA no longer makes the RSA ask for
    # earnings).
    open_ids = frozenset(key[0] for key in open_all)
    # A national right reads nearly every answer (composition, ages, every income, housing):
    # probing each one for it would take seconds a page, so it lists the unknown answers it
    # reads, as the CAF's own simulator asks them. Municipal schemes are probed (with the
    # national rights they read kept as they are, `deciding`).
    missing = {slot[0] for slot in slots}
    national = tuple(
        (key, graph.relevant(key[0], open_ids) & missing)
        for key in open_all
        if by_id[key[0]].spec.scope == "national"
    )
    open_keys = tuple(key for key in open_all if by_id[key[0]].spec.scope != "national")
    # Through a right kept as it is, no answer reaches the aid: those answers are not probed.
    relevant = {key: graph.relevant(key[0], open_ids - graph.fixed) for key in open_keys}
    # Another member's answer reaches a person's result only through her household (the
    # aggregates, the household's schemes): the name alone would probe the 45-year-old's
    # earnings, through every threshold of the national rights, for the 19-year-old's youth aid.
    across = {
        key: graph.shared(key[0], open_ids - graph.fixed) for key in open_keys if key[1] is not None
    }
    by_slot = []
    for slot in slots:
        name, member = slot
        keys = tuple(
            k
            for k in open_keys
            if name in relevant[k]
            and (member is None or k[1] is None or k[1] == member or name in across[k])
        )
        if keys:  # (an income has hundreds of values to try: none is tried for no result)
            by_slot.append((slot, keys))
    pairs = tuple(
        (key, tuple(slot for slot in slots if slot[0] in relevant[key])[:PAIR_PROBE_LIMIT])
        for key in open_keys
    )
    return _Search(national, open_keys, tuple(by_slot), pairs)


class _Graph:
    """What the search for the deciding questions reads of the catalog's structure, computed
    once per order of schemes (every answer of the simulator uses the whole catalog's): which
    inputs reach each scheme, given the schemes still open, and which schemes a probe evaluates.
    None of it depends on a household."""

    def __init__(self, variables: VariableSet, order: Sequence[Scheme]) -> None:
        self.variables = variables
        self.order = order  # kept, so that the key's id stays its own
        self.by_id = {scheme.id: scheme for scheme in order}
        self.fixed = frozenset(s.id for s in order if s.spec.scope == "national")
        self.reads = {scheme.id: relevant_inputs(self.by_id, scheme.id) for scheme in order}
        # What an evaluation adds to a household's names, then to each member's, after her own
        # values (`run`): aggregates, formulas, then each scheme's published result.
        by_kind = [
            (scheme.spec.entity == "household", name)
            for scheme in order
            for name in outcomes.published_names(scheme)
        ]
        self.added_to_household = (
            *(v.name for v in variables.aggregates),
            *(v.name for level in variables.household_formulas for v in level),
            *(name for of_household, name in by_kind if of_household),
        )
        self.published = tuple(name for of_household, name in by_kind if not of_household)
        self._relevant: dict[tuple[str, frozenset[str]], frozenset[str]] = {}
        self._shared: dict[tuple[str, frozenset[str]], frozenset[str]] = {}
        self._trials: dict[frozenset[str], tuple[list[Scheme], frozenset[str]]] = {}
        self._searches: dict[tuple[tuple[Key, ...], tuple[Slot, ...]], _Search] = {}

    def search(self, open_all: tuple[Key, ...], slots: tuple[Slot, ...]) -> _Search:
        """What the search probes with these results open and these answers unknown (kept: a
        simulator's pages ask the same few sets)."""
        key = (open_all, slots)
        found = self._searches.get(key)
        if found is None:
            _bounded(self._searches)
            found = self._searches[key] = _plan_search(self, open_all, slots)
        return found

    def relevant(self, scheme_id: str, open_ids: frozenset[str]) -> frozenset[str]:
        key = (scheme_id, open_ids)
        found = self._relevant.get(key)
        if found is None:
            _bounded(self._relevant)
            found = self._relevant[key] = relevant_inputs(self.by_id, scheme_id, open_ids)
        return found

    def shared(self, scheme_id: str, open_ids: frozenset[str]) -> frozenset[str]:
        key = (scheme_id, open_ids)
        found = self._shared.get(key)
        if found is None:
            _bounded(self._shared)
            found = self._shared[key] = shared_inputs(
                self.variables, self.by_id, scheme_id, open_ids
            )
        return found

    def trial(self, asked: frozenset[str]) -> tuple[list[Scheme], frozenset[str]]:
        """The schemes a probe asking about `asked` evaluates, in order, and the derived
        variables they read."""
        found = self._trials.get(asked)
        if found is None:
            _bounded(self._trials)
            needed = needed_schemes(self.by_id, set(asked))
            trial_order = [scheme for scheme in self.order if scheme.id in needed]
            evaluated = [scheme for scheme in trial_order if scheme.id not in self.fixed]
            found = self._trials[asked] = (trial_order, variables_read(self.variables, evaluated))
        return found


def _bounded(table: dict[Any, Any], limit: int = 4_096) -> None:
    if len(table) >= limit:
        table.clear()


_GRAPHS: dict[tuple[int, int], _Graph] = {}


def _graph(variables: VariableSet, order: Sequence[Scheme]) -> _Graph:
    key = (id(variables), id(order))
    found = _GRAPHS.get(key)
    if found is None or found.variables is not variables or found.order is not order:
        _bounded(_GRAPHS, 64)
        found = _GRAPHS[key] = _Graph(variables, order)
    return found


def _extremes_first(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A slot's probe values, its largest and smallest first. Which answers change a result
    does not depend on the order they are tried in, but the search for a slot stops once every
    result it can reach has changed, and an extreme answer settles most of them at once: an
    income of 100,000 EUR ends every means test, where the thresholds in between (33 for an
    income) each settle one scheme."""
    if len(values) < 3:
        return values
    return (values[-1], values[0], *values[1:-1])


def _spread(values: tuple[Any, ...], limit: int = 12) -> tuple[Any, ...]:
    """At most `limit` of a slot's probe values, spread over them (the ends included): two
    answers at a time multiply the probes, and a catalog with national rights has hundreds of
    amounts to try for an income."""
    if len(values) <= limit:
        return values
    step = (len(values) - 1) / (limit - 1)
    return tuple(values[round(i * step)] for i in range(limit))


def _reached(
    by_id: Mapping[str, Scheme], starts: Iterable[str], follow: Callable[[Scheme], Iterable[str]]
) -> list[Scheme]:
    """The schemes `starts` names and every scheme reached from them through `follow`, once
    each (an unknown id is skipped)."""
    seen: set[str] = set()
    found: list[Scheme] = []
    pending = list(starts)
    while pending:
        current = pending.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        found.append(by_id[current])
        pending += follow(by_id[current])
    return found


def needed_schemes(
    by_id: Mapping[str, Scheme], scheme_ids: set[str], answered: frozenset[str] = frozenset()
) -> frozenset[str]:
    """The schemes and every scheme they read, transitively (not the national rights behind
    answered-else-computed inputs that are answered everywhere: `answered`)."""
    reached = _reached(by_id, scheme_ids, lambda scheme: scheme.reads_schemes_given(answered))
    return frozenset(scheme.id for scheme in reached)


def relevant_inputs(
    by_id: Mapping[str, Scheme], scheme_id: str, open_ids: frozenset[str] | set[str] | None = None
) -> frozenset[str]:
    """Every input a scheme's result can depend on, through the schemes it reads too (only
    those among `open_ids`, the schemes with an undecided result, when it is given)."""
    reached = _reached(
        by_id,
        [scheme_id],
        lambda scheme: [r for r in scheme.reads_schemes if open_ids is None or r in open_ids],
    )
    return frozenset().union(*(scheme.inputs for scheme in reached))


def shared_inputs(
    variables: VariableSet,
    by_id: Mapping[str, Scheme],
    scheme_id: str,
    open_ids: frozenset[str] | set[str] | None = None,
) -> frozenset[str]:
    """The inputs through which one member's answers can reach another member's result of a
    person scheme: what it reads of the household (aggregates over the members, household
    formulas, household schemes' results), and the same for the person schemes it reads (only
    those among `open_ids` when it is given, as in `relevant_inputs`). A person's formulas and
    results read her own answers and her household's, never another member's."""

    def read(scheme: Scheme) -> list[str]:
        parts = (*scheme.formulas, *scheme.fallbacks.values())
        return [
            sid
            for formula in parts
            for sid in formula.schemes
            if sid in by_id and (open_ids is None or sid in open_ids)
        ]

    def persons_read(scheme: Scheme) -> list[str]:
        return [sid for sid in read(scheme) if by_id[sid].spec.entity == "person"]

    inputs: set[str] = set()
    for scheme in _reached(by_id, [scheme_id], persons_read):
        for formula in (*scheme.formulas, *scheme.fallbacks.values()):
            for name in formula.variables:
                variable = variables.by_name[name]
                if variable.entity == "household":
                    inputs |= variable.inputs | ({name} if variable.spec.is_input else set())
        for sid in read(scheme):
            if by_id[sid].spec.entity == "household":
                inputs |= relevant_inputs(by_id, sid, open_ids)
    return frozenset(inputs)


def missing_slots(
    variables: VariableSet, household: Answers, persons: Sequence[Answers]
) -> list[Slot]:
    """The answers not given: each a question the search for the deciding ones can probe."""
    slots: list[Slot] = [
        (name, None)
        for name, _, _ in variables.answer_fields["household"]
        if household.get(name) is None
    ]
    questions = variables.person_questions
    for index, person in enumerate(persons):
        slots += (
            (name, index)
            for name, birth in questions
            if person.get(name) is None and (birth is None or person.get(birth) is None)
        )
    return slots
