"""Forms of the finance and aid-in-kind pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import commune_code_validator
from solidarite.cases.models import Person
from solidarite.core import clock
from solidarite.payments.models import Envelope, ItemKind
from solidarite.schemes.services import get_catalog, translated

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def scheme_choices(blank: bool = False) -> list[tuple[str, str]]:
    rows = [(s.id, translated(s.spec.title)) for s in get_catalog().schemes.values()]
    return [("", "—"), *rows] if blank else rows


class MonthField(forms.DateField):
    """An <input type="month"> (YYYY-MM) read as the month's first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]


class PrepareBatchForm(forms.Form):
    month = MonthField(label=_("Mois"))


class ConfirmTotalForm(forms.Form):
    """The total the validator was shown: validation refuses if the batch no longer totals it."""

    total = forms.DecimalField(max_digits=14, decimal_places=2, widget=forms.HiddenInput)


class EnvelopeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Envelope
        fields = ["scheme_id", "label", "amount", "starts_on", "ends_on", "when_exhausted"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, own_schemes: list[str], *args: Any, **kwargs: Any) -> None:
        """`own_schemes`: the schemes the finance officer's organisation provides (an envelope
        funds only those)."""
        super().__init__(*args, **kwargs)
        self.fields["scheme_id"] = forms.ChoiceField(
            label=_("Dispositif"),
            choices=[(key, label) for key, label in scheme_choices() if key in own_schemes],
        )
        self.fields["amount"].min_value = 1  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("La fin précède le début."))
        return data


class BankAccountForm(forms.Form):
    holder = forms.CharField(label=_("Titulaire du compte"), max_length=140)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC (facultatif)"), max_length=11, required=False)

    def clean(self) -> dict[str, Any]:
        from solidarite.payments.bank import InvalidBankDetails, parse

        data = super().clean() or {}
        if data.get("iban"):
            try:
                parse(data["iban"], data.get("bic", ""))
            except InvalidBankDetails as exc:
                self.add_error(exc.field, str(exc))
        return data


class ItemKindForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ItemKind
        fields = ["name", "scheme_id", "loanable"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme_id"] = forms.ChoiceField(
            label=_("Dispositif (sa capacité annuelle s'applique)"),
            choices=scheme_choices(blank=True),
            required=False,
        )


class ReceiveForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantité reçue"), min_value=1, max_value=100000)
    received_on = forms.DateField(label=_("Reçue le"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Homonyms told apart: the name, the birth year and the area."""

    def label_from_instance(self, obj: Person) -> str:
        area = f", {obj.area}" if obj.area else ""
        return f"{obj.last_name.upper()} {obj.first_name} ({obj.birth_date:%Y}{area})"


class HandOutForm(forms.Form):
    """Give or lend one item to a person known to the organisation, or to a new person."""

    person = PersonChoiceField(
        label=_("Personne déjà connue"), queryset=Person.objects.none(), required=False
    )
    first_name = forms.CharField(
        label=_("ou nouvelle personne : prénom"), max_length=100, required=False
    )
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DATE, required=False)
    commune_code = forms.CharField(
        label=_("Code commune"), max_length=5, required=False, validators=[commune_code_validator]
    )
    on = forms.DateField(label=_("Date"), widget=DATE)
    due_on = forms.DateField(label=_("À rendre le (prêt)"), widget=DATE, required=False)
    serial = forms.CharField(label=_("Numéro de série (prêt)"), max_length=60, required=False)

    def __init__(self, people: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new = [data.get(k) for k in ("first_name", "last_name", "birth_date", "commune_code")]
        if not data.get("person") and not all(new):
            raise forms.ValidationError(
                _(
                    "Choisissez une personne connue, ou indiquez prénom, nom, date de naissance et "
                    "code commune d'une nouvelle personne."
                )
            )
        birth = data.get("birth_date")
        if birth and birth > clock.today():
            self.add_error("birth_date", _("La date de naissance est dans le futur."))
        return data
