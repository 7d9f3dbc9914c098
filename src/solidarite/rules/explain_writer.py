"""The API's explanation of a scheme's result, as one function written per scheme.

An open household's answer explains about 25 results, a hundred conditions and lines. Going
through each result's template in a loop (each line's parts unpacked, tested, looked up, each
condition's status found by a call) cost a quarter of the answer. A scheme's results all have
the same shape: its conditions, and its amount's lines in order, each either the same every
time (a parameter's) or a value of the household, read from the member's names or the
household's, or computed by the scheme itself. So the loop is written out once per scheme, as
`traced` writes the rules, and each template (the scheme under one set of parameter values)
gets its function by giving it its parts (`writer`). The function returns the dict
`explain.explain_json` documents; `tests/rules/test_explain_writer.py` holds it to the objects'
JSON, byte for byte.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from solidarite.rules.household import amount_of, eligible_of
from solidarite.rules.intervals import Value
from solidarite.rules.outcomes import Outcome, names_of, scheme_lookup
from solidarite.rules.schemes import Scheme

# A scheme's result as the API's JSON, from its outcome, the names of its member (or of the
# household), the household's names, the member's index and the answers deciding it.
ResultWriter = Callable[
    [Outcome, Mapping[str, Value], Mapping[str, Value], int | None, Any], dict[str, Any]
]
# One line of a template as the writer reads it: its name; its JSON when it reads nothing of the
# household; else its `explain._LineJson` (the JSON per value, the lines it keeps by value), a
# scale's base, and whether the scheme computes the name itself.
Line = tuple[str, Any, Any, Any, bool]


def writer(
    scheme: Scheme,
    own: Mapping[str, Any],
    variables: Any,
    conditions: Sequence[tuple[Any, Any, Any]],
    lines: Sequence[Line],
    parameters: Any,
    assumptions: tuple[str, ...],
    bracket: Callable[..., int | None],
) -> ResultWriter:
    """The function writing the scheme's results under one set of parameter values (`own`):
    per condition its JSON when passed, failed, unknown; per line its parts; the parameters'
    JSON and the assumptions read; `bracket`, the bracket a scale's base reaches."""
    make = _factory(scheme, lines)
    constants: list[Any] = [scheme.id, scheme.spec.version, parameters, assumptions]
    constants += (scheme, variables, own, scheme.own_names, bracket)
    for passed, failed, unknown in conditions:
        constants += (passed, failed, unknown)
    for name, shared, json, base, _ in lines:
        if shared is not None:
            constants.append(shared)
        else:
            constants += (json.json, json.seen, base, own.get(name))
    result: ResultWriter = make(tuple(constants))
    return result


# Per scheme (immutable, held so that its id stays its own): the factory its results' writers
# are made by. Which lines are shared and which read the household is the scheme's, not its
# parameters' values.
_FACTORIES: dict[int, tuple[Scheme, tuple[tuple[bool, bool, bool], ...], Callable[..., Any]]] = {}


def _factory(scheme: Scheme, lines: Sequence[Line]) -> Callable[[tuple[Any, ...]], ResultWriter]:
    layout = tuple((shared is not None, base is not None, own) for _, shared, _, base, own in lines)
    found = _FACTORIES.get(id(scheme))
    if found is None or found[0] is not scheme or found[1] != layout:
        if len(_FACTORIES) > 4_096:  # (catalogs loaded again and again, as the tests do)
            _FACTORIES.clear()
        found = _FACTORIES[id(scheme)] = (scheme, layout, _written(scheme, lines, layout))
    return found[2]


def _written(
    scheme: Scheme, lines: Sequence[Line], layout: tuple[tuple[bool, bool, bool], ...]
) -> Callable[[tuple[Any, ...]], ResultWriter]:
    constants = ["SCHEME_ID", "VERSION", "PARAMETERS", "ASSUMPTIONS"]
    constants += ["SCHEME", "VARIABLES", "OWN", "OWN_NAMES", "BRACKET"]
    body: list[str] = ["c = outcome.conditions"]
    statuses: list[str] = []
    for index in range(len(scheme.conditions)):
        constants += [f"P{index}", f"F{index}", f"U{index}"]
        # `explain._status`: passed when surely true, failed when it cannot be true.
        body += [
            f"v = c[{index}]",
            "if v.kind != 'bool':",
            f"    s{index} = F{index}",
            "elif not v.null and v.value and v.lo:",
            f"    s{index} = P{index}",
            "elif not (v.value and v.hi):",
            f"    s{index} = F{index}",
            "else:",
            f"    s{index} = U{index}",
        ]
        statuses.append(f"s{index}")
    if any(own or based for shared, based, own in layout if not shared):
        body += [
            "found = []",
            "def local(name):",
            "    if name not in OWN_NAMES:",
            "        return names[name] if name in names else home[name]",
            "    if not found:",
            "        lookup = names_of(names, None if member is None else home)",
            "        found.append(scheme_lookup(SCHEME, VARIABLES, OWN, lookup))",
            "    return found[0](name)",
        ]
    explained: list[str] = []
    for index, ((name, *_), (shared, based, own)) in enumerate(zip(lines, layout, strict=True)):
        if shared:
            constants.append(f"S{index}")
            explained.append(f"S{index}")
            continue
        constants += [f"W{index}", f"K{index}", f"B{index}", f"O{index}"]
        key = repr(name)
        read = f"local({key})" if own else f"names[{key}] if {key} in names else home[{key}]"
        bracket = f"BRACKET(B{index}, local, O{index})" if based else "None"
        # `_LineJson.json`, its lines kept (K) read here, without a call: a zero's sign is
        # checked apart (-0.0 equals 0.0, their JSON differs), and a line not kept is written.
        body += [
            f"v = {read}",
            f"b = {bracket}",
            "lo, hi = v.lo, v.hi",
            "if (lo == 0 and type(lo) is float and copysign(1.0, lo) < 0) or (",
            "    hi == 0 and type(hi) is float and copysign(1.0, hi) < 0",
            "):",
            f"    l{index} = W{index}(v, b)",
            "else:",
            f"    l{index} = K{index}.get((v.kind, v.null, v.value, lo, hi, b))",
            f"    if l{index} is None:",
            f"        l{index} = W{index}(v, b)",
        ]
        explained.append(f"l{index}")
    body += [
        "return {",
        "    'scheme': SCHEME_ID,",
        "    'version': VERSION,",
        "    'person_index': member,",
        "    'in_force': True,",
        "    'eligible': eligible_of(outcome),",
        "    'amount': amount_of(outcome),",
        f"    'conditions': [{', '.join(statuses)}],",
        "    'parameters': PARAMETERS,",
        "    'unknown_variables': sorted(deciding) if deciding else [],",
        "    'amount_range': amount_range(outcome),",
        f"    'explanation': [{', '.join(explained)}],",
        "    'assumptions': list(ASSUMPTIONS),",
        "}",
    ]
    source = "\n".join(
        [
            "def make(constants):",
            f"    ({', '.join(constants)},) = constants",
            "    def write(outcome, names, home, member, deciding):",
            *(f"        {line}" for line in body),
            "    return write",
        ]
    )
    namespace: dict[str, Any] = {
        "eligible_of": eligible_of,
        "amount_of": amount_of,
        "amount_range": amount_range,
        "names_of": names_of,
        "scheme_lookup": scheme_lookup,
        "copysign": math.copysign,
    }
    exec(compile(source, f"<explanation of {scheme.id}>", "exec"), namespace)  # our own source
    make: Callable[[tuple[Any, ...]], ResultWriter] = namespace["make"]
    return make


def amount_range(outcome: Outcome) -> list[float] | None:
    """The bounds of an amount not yet known, when both are finite: an absurd scenario (a rate
    of 1e300) can overflow a bound, and no range is better than one JSON cannot carry (found by
    the API fuzzer)."""
    if outcome.amount_lo is None or outcome.amount_hi is None:
        return None
    low, high = float(outcome.amount_lo), float(outcome.amount_hi)
    if math.isfinite(low) and math.isfinite(high):
        return [low, high]
    return None
