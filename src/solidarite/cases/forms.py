import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import commune_code_validator
from solidarite.cases.areas import area_choices, area_matches_commune
from solidarite.core import clock
from solidarite.schemes.services import get_catalog, translated


def _referral_schemes() -> list[tuple[str, str]]:
    return [
        (s.id, translated(s.spec.title))
        for s in get_catalog().schemes.values()
        if s.spec.intake.mode == "referral"
    ]


class ReferralForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    commune_code = forms.CharField(
        label=_("Code commune (INSEE)"), max_length=5, validators=[commune_code_validator]
    )
    area = forms.ChoiceField(label=_("Quartier"), choices=area_choices, required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Adresse électronique"), required=False)
    scheme_id = forms.ChoiceField(label=_("Dispositif"), choices=())
    reason = forms.CharField(
        label=_("Motif de l'orientation"), widget=forms.Textarea(attrs={"rows": 4})
    )
    consent = forms.BooleanField(
        label=_("La personne accepte cette orientation et la transmission de ses informations")
    )
    consent_date = forms.DateField(
        label=_("Date du consentement"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme_id"].choices = _referral_schemes()  # type: ignore[attr-defined]

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        if value > clock.today():
            raise forms.ValidationError(_("La date de naissance est dans le futur."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        area, commune = data.get("area"), data.get("commune_code")
        if area and commune and not area_matches_commune(area, commune):
            self.add_error("area", _("Ce quartier n'est pas dans la commune indiquée."))
        return data

    def clean_consent_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["consent_date"]
        if value > clock.today():
            raise forms.ValidationError(_("Le consentement ne peut pas être daté du futur."))
        return value


class DecisionForm(forms.Form):
    why = forms.CharField(
        label=_("Motif (transmis au partenaire)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferralReplyForm(forms.Form):
    answer = forms.CharField(
        label=_("Votre réponse au CCAS"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class ReferralNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note (lue par le partenaire et par le CCAS)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
