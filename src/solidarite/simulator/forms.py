"""Forms of the simulator: one field per question, each with a "don't know" way out."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidarite.rules.territory import OTHER
from solidarite.schemes.services import get_catalog, translated
from solidarite.simulator.answers import MAX_PERSONS, QuestionKey, key_text
from solidarite.simulator.questions import Question

DONT_KNOW = "nsp"


class HouseholdSizeForm(forms.Form):
    size = forms.IntegerField(
        label=_("Combien de personnes vivent dans votre foyer, vous compris ?"),
        min_value=1,
        max_value=MAX_PERSONS,
        help_text=_("Comptez les adultes et les enfants qui vivent avec vous."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _field(question: Question) -> forms.Field:
    spec = question.variable.spec
    label = translated(spec.question)
    help_text = translated(spec.help)
    if spec.type == "bool":
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            choices=[("oui", _("Oui")), ("non", _("Non")), (DONT_KNOW, _("Je ne sais pas"))],
            widget=forms.RadioSelect,
        )
    if spec.type == "enum":
        assert spec.values is not None
        labels = spec.value_labels or {}
        choices = [(value, translated(labels.get(value)) or value) for value in spec.values]
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            choices=[*choices, (DONT_KNOW, _("Je ne sais pas"))],
            widget=forms.RadioSelect,
        )
    if spec.type == "commune":
        communes = get_catalog().communes
        listed = sorted(communes.by_code.values(), key=lambda c: c.name)
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            choices=[
                *((c.code, c.name) for c in listed),
                (OTHER, _("Une autre commune")),
                (DONT_KNOW, _("Je ne sais pas")),
            ],
            widget=forms.RadioSelect,
        )
    unknown_hint = _("Laissez vide si vous ne savez pas.")
    if spec.type == "int":
        return forms.IntegerField(
            label=label,
            help_text=f"{help_text} {unknown_hint}".strip(),
            required=False,
            min_value=None if spec.minimum is None else int(spec.minimum),
            max_value=None if spec.maximum is None else int(spec.maximum),
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
    return forms.DecimalField(
        label=label,
        help_text=f"{help_text} {unknown_hint}".strip(),
        required=False,
        decimal_places=2,
        min_value=None if spec.minimum is None else Decimal(str(spec.minimum)),
        max_value=None if spec.maximum is None else Decimal(str(spec.maximum)),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


class QuestionsForm(forms.Form):
    """The questions of one page; `answers()` gives each key's value, None for "don't know"."""

    def __init__(self, questions: list[Question], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[key_text(question.key)] = _field(question)

    def answers(self) -> list[tuple[QuestionKey, Any]]:
        result = []
        for question in self.questions:
            raw = self.cleaned_data.get(key_text(question.key))
            result.append((question.key, _value(question, raw)))
        return result

    def groups(self) -> list[tuple[int | None, list[forms.BoundField]]]:
        """Fields grouped by household member, for one fieldset each."""
        grouped: dict[int | None, list[forms.BoundField]] = {}
        for question in self.questions:
            grouped.setdefault(question.person, []).append(self[key_text(question.key)])
        return list(grouped.items())


def initial_value(question: Question, value: Any) -> Any:
    """A recorded answer as the form shows it ("Je ne sais pas" when skipped)."""
    spec = question.variable.spec
    if value is None:
        return DONT_KNOW if spec.type in ("bool", "enum", "commune") else None
    if spec.type == "bool":
        return "oui" if value else "non"
    return value


def _value(question: Question, raw: Any) -> Any:
    if raw in (None, "", DONT_KNOW):
        return None
    spec = question.variable.spec
    if spec.type == "bool":
        return raw == "oui"
    if spec.type == "int":
        return int(raw)
    if spec.type == "float":
        return float(raw)
    return raw
