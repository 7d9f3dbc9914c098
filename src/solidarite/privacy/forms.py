"""Forms of the privacy pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from solidarite.core import clock

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de conservation"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    review_on = forms.DateField(label=_("À réexaminer le"), widget=DATE)

    def clean_review_on(self) -> object:
        value = self.cleaned_data["review_on"]
        if value <= clock.today():
            raise forms.ValidationError(_("La date de réexamen doit être dans le futur."))
        return value


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'effacement (sans nom : par exemple « demande écrite du 3 mars »)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("Je confirme l'effacement : il est définitif."), required=True
    )


class SearchForm(forms.Form):
    last_name = forms.CharField(label=_("Nom de famille"), max_length=100)


class OverrideForm(forms.Form):
    """An organisation shortens a retention period (never beyond the policy's)."""

    kind = forms.ChoiceField(label=_("Type de données"))
    months = forms.IntegerField(label=_("Durée (mois)"), min_value=0, max_value=600)

    def __init__(self, kinds: list[tuple[str, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
