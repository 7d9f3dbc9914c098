"""The directory's search form: what a resident filters by, in the national vocabulary."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidarite.territory.directory import Filters
from solidarite.territory.models import Area, Level
from solidarite.territory.vocabulary import categorie_labels, public_labels


def area_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", str(_("Toutes les communes et quartiers")))]
    for commune in Area.objects.filter(
        level=Level.COMMUNE, children__level=Level.QUARTIER
    ).distinct():
        choices.append((commune.code, commune.name))
        for quartier in commune.children.filter(level=Level.QUARTIER).order_by("name"):
            choices.append((quartier.code, f"{commune.name} — {quartier.name}"))
    return choices


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Mots-clés"), required=False, max_length=100)
    thematique = forms.ChoiceField(label=_("Besoin"), required=False)
    area = forms.ChoiceField(label=_("Commune ou quartier"), required=False)
    public = forms.ChoiceField(label=_("Public"), required=False)
    free = forms.BooleanField(label=_("Gratuit"), required=False)
    open_now = forms.BooleanField(label=_("Ouvert maintenant"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        needs = sorted(categorie_labels().items(), key=lambda item: item[1])
        publics = sorted(
            ((k, v) for k, v in public_labels().items() if k != "tous-publics"),
            key=lambda item: item[1],
        )
        self._choices("thematique", [("", str(_("Tous les besoins"))), *needs])
        self._choices("area", area_choices())
        self._choices("public", [("", str(_("Tous les publics"))), *publics])

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            text=data["q"],
            thematique=data["thematique"],
            area=data["area"],
            public=data["public"],
            free=data["free"],
            open_now=data["open_now"],
        )
