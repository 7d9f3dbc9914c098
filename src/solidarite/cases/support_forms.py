"""Forms of the support pages: every field labelled, every date a real date input."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import Organisation
from solidarite.cases.areas import area_choices
from solidarite.cases.models import (
    ActionStatus,
    AppointmentStatus,
    Attendance,
    Domain,
    FileStatus,
    NeedLevel,
    Objective,
    Relationship,
    Workshop,
)
from solidarite.core import clock
from solidarite.territory.models import Place

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class ReferentForm(forms.Form):
    referent = UserChoiceField(label=_("Référent·e"), queryset=User.objects.none())

    def __init__(self, referents: QuerySet[User], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DATE)
    relationship = forms.ChoiceField(
        label=_("Lien dans le foyer"),
        choices=[c for c in Relationship.choices if c[0] != Relationship.APPLICANT],
    )

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        if value > clock.today():
            raise forms.ValidationError(_("La date de naissance est dans le futur."))
        return value


class DiagnosticForm(forms.Form):
    """One level and one note per domain, so that no domain is forgotten."""

    made_on = forms.DateField(label=_("Date du diagnostic"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Domain.choices:
            self.fields[f"level_{value}"] = forms.TypedChoiceField(
                label=_("%(domain)s : niveau de besoin") % {"domain": label},
                choices=NeedLevel.choices,
                coerce=int,
            )
            self.fields[f"notes_{value}"] = forms.CharField(
                label=_("%(domain)s : observations") % {"domain": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def domain_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(str(label), self[f"level_{v}"], self[f"notes_{v}"]) for v, label in Domain.choices]


class ObjectiveForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domaine"), choices=Domain.choices)
    title = forms.CharField(label=_("Objectif"), max_length=300)


class ActionForm(forms.Form):
    objective = forms.ModelChoiceField(label=_("Objectif"), queryset=Objective.objects.none())
    title = forms.CharField(label=_("Action"), max_length=300)
    domain = forms.ChoiceField(label=_("Domaine"), choices=Domain.choices)
    due_on = forms.DateField(label=_("Échéance"), widget=DATE)
    responsible_user = UserChoiceField(
        label=_("Portée par (référent·e)"), queryset=User.objects.none(), required=False
    )
    responsible_organisation = forms.ModelChoiceField(
        label=_("ou par un partenaire"), queryset=Organisation.objects.all(), required=False
    )
    place = forms.ModelChoiceField(
        label=_("Où se rendre (annuaire)"),
        queryset=Place.objects.order_by("name"),
        required=False,
        help_text=_(
            "Où se rendre : l'adresse et la prochaine ouverture s'affichent sur le dossier."
        ),
    )

    def __init__(
        self,
        objectives: QuerySet[Objective],
        referents: QuerySet[User],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = objectives  # type: ignore[attr-defined]
        self.fields["responsible_user"].queryset = referents  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("responsible_user") and not data.get("responsible_organisation"):
            raise forms.ValidationError(
                _("Indiquez qui porte l'action : un·e référent·e ou un partenaire.")
            )
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=ActionStatus.choices)


class AppointmentForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date et heure"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=5, max_value=480, initial=45
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    reminder_agreed = forms.BooleanField(
        label=_("La personne accepte un rappel par courriel la veille"),
        required=False,
        help_text=_("Seulement si elle a donné une adresse électronique."),
    )


class FileNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note (lue par l'équipe du dossier seulement, jamais par le partenaire)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    appointment = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AppointmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Suite du rendez-vous"), choices=AppointmentStatus.choices)


class WorkshopForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Workshop
        fields = ["title", "domain", "starts_at", "place", "capacity"]
        widgets = {"starts_at": DATETIME}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = DATETIME_FORMATS  # type: ignore[attr-defined]
        self.fields["capacity"].min_value = 1  # type: ignore[attr-defined]


class RegistrationForm(forms.Form):
    workshop = forms.ModelChoiceField(label=_("Atelier"), queryset=Workshop.objects.none())

    def __init__(self, workshops: QuerySet[Workshop], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = workshops  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("Présence"), choices=Attendance.choices)


PAGE_SIZES = (10, 25, 50, 100)


class CaseloadFilterForm(forms.Form):
    scheme_id = forms.ChoiceField(label=_("Dispositif"), required=False)
    status = forms.ChoiceField(
        label=_("Statut"), choices=[("", _("Tous")), *FileStatus.choices], required=False
    )
    area = forms.ChoiceField(label=_("Quartier"), choices=area_choices(), required=False)
    overdue = forms.BooleanField(label=_("Avec une action en retard"), required=False)
    mine = forms.BooleanField(label=_("Mes dossiers seulement"), required=False)
    per_page = forms.TypedChoiceField(
        label=_("Par page"),
        choices=[(n, n) for n in PAGE_SIZES],
        coerce=int,
        required=False,
        initial=25,
    )

    def __init__(self, schemes: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme_id"].choices = [("", _("Tous")), *schemes]  # type: ignore[attr-defined]


class IndicatorsForm(forms.Form):
    scheme_id = forms.ChoiceField(label=_("Dispositif"))
    start = forms.DateField(label=_("Du"), widget=DATE)
    end = forms.DateField(label=_("Au"), widget=DATE)
    area = forms.ChoiceField(label=_("Quartier"), choices=area_choices(), required=False)

    def __init__(self, schemes: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme_id"].choices = schemes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("La fin de la période précède son début."))
        return data


class PersonSearchForm(forms.Form):
    """Find a person in a list by name (and birth date for homonyms). Sent by POST: a name never
    travels in a URL, where proxies and server logs would keep it."""

    name = forms.CharField(label=_("Nom ou prénom"), max_length=100)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DATE, required=False)

    def apply(self, rows: Any, person: str = "person") -> Any:
        """`rows` (files or referrals, or people with `person=""`) whose person matches; call
        after is_valid()."""
        prefix = f"{person}__" if person else ""
        words = self.cleaned_data["name"].split()
        for word in words:
            rows = rows.filter(
                Q(**{f"{prefix}last_name__icontains": word})
                | Q(**{f"{prefix}first_name__icontains": word})
            )
        if self.cleaned_data.get("birth_date"):
            rows = rows.filter(**{f"{prefix}birth_date": self.cleaned_data["birth_date"]})
        return rows
