from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidarite.plans.models import Measure, Status


class MeasureUpdateForm(forms.Form):
    """What a pilot changes on a measure: status, progress, and optionally a new milestone."""

    status = forms.ModelChoiceField(
        label=_("Statut"), queryset=Status.objects.all(), empty_label=None
    )
    progress = forms.IntegerField(label=_("Avancement (%)"), min_value=0, max_value=100)
    milestone_date = forms.DateField(
        label=_("Date du nouveau jalon"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    milestone_text = forms.CharField(label=_("Nouveau jalon"), required=False, max_length=500)

    def __init__(self, data: Any = None, *, measure: Measure) -> None:
        super().__init__(data, initial={"status": measure.status, "progress": measure.progress})

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if bool(data.get("milestone_date")) != bool(data.get("milestone_text")):
            raise forms.ValidationError(
                _("Un jalon a une date et un texte : remplissez les deux ou aucun.")
            )
        return data
