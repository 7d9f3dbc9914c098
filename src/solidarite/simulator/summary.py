"""What the results page and the downloadable summary say: claimable, maybe, not claimable."""

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solidarite.rules.catalog import Catalog
from solidarite.rules.results import HouseholdResult, SchemeResult
from solidarite.schemes.services import translated
from solidarite.simulator.answers import Answers

OUTSIDE_MESSAGE = gettext_lazy(
    "Aucune aide municipale de ce catalogue ne s'applique là où vous habitez : il couvre les "
    "aides de Besançon et de Chenôve. Vos droits nationaux sont estimés ci-dessous ; les autres "
    "(aides au logement, allocation aux adultes handicapés...) se vérifient sur "
    "mesdroitssociaux.gouv.fr ; le CCAS de votre commune ou un espace France Services vous "
    "accompagne."
)


def _who(answers: Answers, result: SchemeResult) -> str:
    if result.person_index is None:
        return _("Votre foyer")
    if len(answers.persons) == 1:
        return _("Vous")
    age = answers.persons[result.person_index].get("age")
    who = _("Personne %(number)s") % {"number": result.person_index + 1}
    return f"{who} ({_('%(age)s ans') % {'age': age}})" if age is not None else who


def _amount_text(catalog: Catalog, result: SchemeResult) -> str:
    spec = catalog.schemes[result.scheme_id].spec
    if spec.amount is None or result.amount is None:
        return translated(spec.benefit)
    money = f"{number_format(result.amount, decimal_pos=2)} €"
    per = {"monthly": _("par mois"), "yearly": _("par an"), "one_off": _("une fois")}.get(
        spec.periodicity, ""
    )
    if spec.amount.kind == "contribution":
        # What the household pays for the benefit (the CSS), not money it receives.
        if result.amount == 0:
            return _("gratuite, sans participation")
        return _("avec une participation de %(money)s %(per)s pour le foyer") % {
            "money": money,
            "per": per,
        }
    text = f"{money} {per}".strip()
    if spec.max_duration_months:
        text += " " + _("pendant %(months)s mois au plus") % {"months": spec.max_duration_months}
    return text


def _entry(catalog: Catalog, answers: Answers, result: SchemeResult) -> dict[str, Any]:
    spec = catalog.schemes[result.scheme_id].spec
    question = ""
    if result.unknown_variables:
        variable = catalog.variables.by_name[result.unknown_variables[0]]
        question = translated(variable.spec.question) or translated(variable.spec.label)
    return {
        "id": spec.id,
        "title": translated(spec.title),
        "summary": translated(spec.summary),
        "who": _who(answers, result),
        "amount": _amount_text(catalog, result),
        "how_to_apply": translated(spec.how_to_apply),
        "documents": [translated(d) for d in spec.documents],
        "contact": spec.contact or catalog.organisations[spec.provider].name,
        "national": spec.scope == "national",
        "eligible": result.eligible,
        "referral": spec.intake.mode == "referral",
        "contract": spec.intake.contract_required,
        "failed": [translated(c.label) for c in result.conditions if c.status == "failed"],
        "passed": [translated(c.label) for c in result.conditions if c.status == "passed"],
        "question": question,
        "computation": _computation(result) if result.eligible is not False else [],
        "assumption": bool(result.assumptions) and result.eligible is not False,
    }


def _computation(result: SchemeResult) -> list[str]:
    """The values the amount was computed from, as a resident reads them."""
    lines = []
    for part in result.explanation:
        unit = f" {part.unit}" if part.unit else ""
        if "value" in part.shown and part.shown["value"] is not None:
            value = part.shown["value"]
            shown = number_format(value, decimal_pos=2) if isinstance(value, float) else str(value)
        elif "minimum" in part.shown:
            shown = _("à préciser")
        else:
            continue
        lines.append(f"{translated(part.label)} : {shown}{unit}")
    return lines


def _merge(first: dict[str, Any], other: dict[str, Any]) -> None:
    """Another member with the same answer for the same scheme joins the first entry."""
    first["who"] = f"{first['who']}, {other['who']}"
    if other["amount"] != first["amount"]:
        first["amount"] = f"{first['amount']} / {other['amount']}"
    for label in other["failed"]:
        if label not in first["failed"]:
            first["failed"].append(label)


def outside_the_catalog(catalog: Catalog, answers: Answers) -> bool:
    """The resident's commune is known and no municipal scheme of the catalog covers it (the
    national rights cover every commune)."""
    commune = answers.household.get("commune_residence")
    if commune is None:
        return False
    return not any(
        commune in scheme.communes
        for scheme in catalog.schemes.values()
        if scheme.spec.scope == "local"
    )


def build_results(catalog: Catalog, answers: Answers, result: HouseholdResult) -> dict[str, Any]:
    """Each scheme once per answer (yes, maybe, no), with the persons it concerns: a scheme for
    which every member is eligible reads once, not once per person. National rights come first
    (`national`: claimable, then to be specified), municipal aid after."""
    national: list[dict[str, Any]] = []
    claimable: list[dict[str, Any]] = []
    maybe: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    seen: dict[tuple[str, bool | None], dict[str, Any]] = {}
    for item in result.results:
        entry = _entry(catalog, answers, item)
        key = (item.scheme_id, item.eligible)
        if key in seen:
            _merge(seen[key], entry)
            continue
        seen[key] = entry
        if entry["national"] and item.eligible is not False:
            national.append(entry)
        elif item.eligible is True:
            claimable.append(entry)
        elif item.eligible is None:
            maybe.append(entry)
        else:
            refused.append(entry)
    national.sort(key=lambda entry: entry["eligible"] is not True)
    return {
        "national": national,
        "claimable": claimable,
        "maybe": maybe,
        "refused": refused,
        "date": result.date,
        "outside": outside_the_catalog(catalog, answers),
    }


def summary_text(results: dict[str, Any]) -> str:
    """A plain-text summary the resident can keep: no account, nothing stored."""
    lines = [_("Solidarité — ce que vous pouvez demander"), str(results["date"]), ""]
    if results.get("outside"):
        lines += [str(OUTSIDE_MESSAGE), ""]
    for title, entries in (
        (_("Vos droits nationaux (estimation)"), results["national"]),
        (_("Vous pouvez demander"), results["claimable"]),
        (_("Peut-être, selon une réponse"), results["maybe"]),
    ):
        lines.append(f"== {title} ==")
        for entry in entries:
            lines.append(f"- {entry['title']} — {entry['who']} — {entry['amount']}")
            if entry["question"]:
                lines.append(f"  {_('À préciser')} : {entry['question']}")
            lines.append(f"  {_('Comment faire')} : {entry['how_to_apply']}")
            if entry["documents"]:
                lines.append(f"  {_('À apporter')} : {', '.join(entry['documents'])}")
            lines.append(f"  {_('Où')} : {entry['contact']}")
            for place in entry.get("places", []):
                where = ", ".join(p for p in (place.address, place.commune) if p)
                lines.append(f"    - {place.name} ({where}) — {place.status.text}")
        lines.append("")
    return "\n".join(lines)
