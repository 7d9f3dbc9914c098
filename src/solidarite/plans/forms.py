from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidarite.plans.models import Measure, Meeting, Plan, Status


class MeasureUpdateForm(forms.Form):
    """What a pilot changes on a measure: status, progress, and optionally a new milestone."""

    status = forms.ModelChoiceField(
        label=_("Statut"), queryset=Status.objects.all(), empty_label=None
    )
    progress = forms.IntegerField(label=_("Avancement (%)"), min_value=0, max_value=100)
    milestone_date = forms.DateField(
        label=_("Date du nouveau jalon"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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


class MeetingForm(forms.ModelForm[Meeting]):
    """A meeting of one of the plan's bodies, with the measures updated during it."""

    class Meta:
        model = Meeting
        fields = ["body", "date", "attendees", "minutes", "decisions", "public", "measures_updated"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "measures_updated": forms.CheckboxSelectMultiple,
        }

    def __init__(self, data: Any = None, *, plan: Plan) -> None:
        super().__init__(data)
        self.fields["body"].queryset = plan.bodies.all()  # type: ignore[attr-defined]
        self.fields["measures_updated"].queryset = Measure.objects.filter(axis__plan=plan)  # type: ignore[attr-defined]
        self.fields["measures_updated"].required = False
