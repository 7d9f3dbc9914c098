"""Load the plan files into the database, idempotently.

Plans, axes and statuses follow their files; a measure is created from its file once and then
belongs to its pilots: loading again never reverts what a pilot recorded.
"""

from pathlib import Path

from django.db import transaction

from solidarite.accounts.models import Organisation, code_for
from solidarite.accounts.roles import OrganisationKind
from solidarite.plans.files import MeasureSpec, PlanFile, load_plan_files
from solidarite.plans.models import (
    Axis,
    Body,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Plan,
    Status,
)
from solidarite.schemes.services import get_catalog
from solidarite.territory.files import territory_files


def _organisations(names: list[str], commune_code: str) -> list[Organisation]:
    """Pilots by code (derived once from the name the plan file gives): an organisation renamed
    since keeps piloting its measures."""
    return [
        Organisation.objects.get_or_create(
            code=code_for(name),
            defaults={
                "name": name,
                "kind": OrganisationKind.PUBLIC_BODY,
                "commune_code": commune_code,
            },
        )[0]
        for name in names
    ]


@transaction.atomic
def load_plans(folder: Path) -> list[Plan]:
    statuses, files = load_plan_files(
        folder, set(get_catalog().schemes), set(territory_files().indicators)
    )
    by_code = {}
    for order, spec in enumerate(statuses):
        by_code[spec.code] = Status.objects.update_or_create(
            code=spec.code,
            defaults={
                "label_fr": spec.label.fr,
                "label_en": spec.label.en,
                "default_progress": spec.default_progress,
                "done": spec.done,
                "order": order,
            },
        )[0]
    return [_load_plan(plan, by_code) for plan in files]


def _load_plan(spec: PlanFile, statuses: dict[str, Status]) -> Plan:
    plan = Plan.objects.update_or_create(
        slug=spec.id,
        defaults={
            "title_fr": spec.title.fr,
            "title_en": spec.title.en,
            "collectivity": spec.collectivity,
            "commune_code": spec.commune_code,
            "period_start": spec.period.start,
            "period_end": spec.period.end,
            "summary_fr": spec.summary.fr,
            "summary_en": spec.summary.en,
            "source_title": spec.source.title,
            "source_seed": spec.source.seed,
            "source_date": spec.source.date,
            "deliberation": spec.deliberation or "",
            "status_note_fr": spec.status_note.fr if spec.status_note else "",
            "status_note_en": spec.status_note.en if spec.status_note else "",
        },
    )[0]
    for body in spec.bodies:
        Body.objects.update_or_create(
            plan=plan,
            code=body.id,
            defaults={
                "name_fr": body.name.fr,
                "name_en": body.name.en,
                "kind": body.kind,
                "meetings_per_year": body.meetings_per_year,
            },
        )
    for axis_spec in spec.axes:
        axis = Axis.objects.update_or_create(
            plan=plan,
            number=axis_spec.number,
            defaults={"title_fr": axis_spec.title.fr, "title_en": axis_spec.title.en},
        )[0]
        axis.pilots.set(_organisations(axis_spec.pilots, spec.commune_code))
        for position, measure_spec in enumerate(axis_spec.measures):
            _load_measure(axis, position, measure_spec, statuses, spec.commune_code)
    return plan


def _load_measure(
    axis: Axis, position: int, spec: MeasureSpec, statuses: dict[str, Status], commune_code: str
) -> None:
    status = statuses[spec.status]
    measure, created = Measure.objects.get_or_create(
        axis=axis,
        number=spec.number,
        defaults={
            "position": position,
            "title": spec.title,
            "description": spec.description,
            "horizon": spec.horizon,
            "status": status,
            "progress": spec.progress if spec.progress is not None else status.default_progress,
            "weight": spec.weight,
            "partners": spec.partners,
            "budget_eur": spec.budget_eur,
            "schemes": spec.schemes,
            "cited_figures": [c.model_dump() for c in spec.cites],
        },
    )
    if not created:
        return
    measure.pilot_organisations.set(_organisations(spec.pilots, commune_code))
    Milestone.objects.bulk_create(
        [Milestone(measure=measure, date=m.date, text=m.text) for m in spec.milestones]
    )
    for indicator_spec in spec.indicators:
        indicator = Indicator.objects.create(
            measure=measure,
            label=indicator_spec.label,
            unit=indicator_spec.unit,
            baseline=indicator_spec.baseline,
            target=indicator_spec.target,
        )
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(indicator=indicator, date=d, value=v)
                for d, v in indicator_spec.values.items()
            ]
        )
