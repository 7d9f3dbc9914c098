"""The scenario form: labelled parameters (unit, current value, assumption) and take-up rates.

One fieldset per scheme of the catalog; only the schemes ticked are costed. A parameter left at
its current value is not an override. The whole scenario is then checked by the same model as
a scenario file (`microsim.scenario`), and its errors come back on the form.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from solidarite.core import clock
from solidarite.costing.models import CostingPopulation, Scenario
from solidarite.microsim.scenario import DEFAULT_TAKE_UP, LEVELS
from solidarite.rules.catalog import Catalog
from solidarite.schemes.services import translated

MAX_UPLOAD = 20_000_000
COSTABLE_COMMUNES = (("21166", "Chenôve"), ("25056", "Besançon"))


@dataclass(frozen=True)
class SchemeGroup:
    scheme_id: str
    title: str
    cost: forms.BoundField
    parameters: list[forms.BoundField]
    take_up: list[forms.BoundField]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Nom du scénario"), max_length=200)
    date = forms.DateField(
        label=_("Date des règles"),
        help_text=_("Les paramètres en vigueur à cette date sont appliqués."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    population = forms.ModelChoiceField(
        label=_("Population"), queryset=CostingPopulation.objects.none()
    )
    reference = forms.ModelChoiceField(
        label=_("Scénario de référence (facultatif)"),
        queryset=Scenario.objects.none(),
        required=False,
        help_text=_(
            "Les gagnants sont comptés par rapport à lui ; sans référence, par rapport à "
            "l'absence d'aide."
        ),
    )

    def __init__(self, catalog: Catalog, organisations: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        # The municipality costs its own schemes; national rights are not its budget.
        self.costable = [s for s in catalog.ordered if s.spec.scope == "local"]
        self.fields["population"].queryset = CostingPopulation.objects.filter(  # type: ignore[attr-defined]
            organisation__in=organisations
        )
        self.fields["reference"].queryset = Scenario.objects.filter(  # type: ignore[attr-defined]
            organisation__in=organisations
        )
        today = clock.today()
        self.current: dict[str, dict[str, float]] = {}
        for scheme in self.costable:
            self.fields[f"cost__{scheme.id}"] = forms.BooleanField(
                label=_("Chiffrer ce dispositif"), required=False
            )
            values = {}
            for name, parameter in scheme.parameters.items():
                if parameter.is_scale:
                    continue
                current = _number(parameter.value_at(today))
                if current is None:
                    continue
                values[name] = current
                spec = parameter.spec
                unit = f" ({spec.unit})" if spec.unit else ""
                flag = _(" — hypothèse") if spec.assumption else ""
                self.fields[f"param__{scheme.id}__{name}"] = forms.FloatField(
                    label=f"{translated(spec.label)}{unit}",
                    required=False,
                    initial=current,
                    help_text=_("Valeur actuelle : %(value)s%(flag)s. Source : %(source)s")
                    % {"value": f"{current:g}", "flag": flag, "source": spec.source or "—"},
                )
            self.current[scheme.id] = values
            for level in LEVELS:
                self.fields[f"takeup__{scheme.id}__{level}"] = forms.FloatField(
                    label={
                        "low": _("Recours bas (%)"),
                        "central": _("Recours central (%)"),
                        "high": _("Recours haut (%)"),
                    }[level],
                    min_value=0,
                    max_value=100,
                    initial=round(100 * DEFAULT_TAKE_UP.rate(level)),
                    required=False,
                )
            self.fields[f"takeup__{scheme.id}__source"] = forms.CharField(
                label=_("Source des taux de recours"),
                initial=_("Hypothèse"),
                required=False,
                max_length=300,
                help_text=_(
                    "Écrivez « Hypothèse » faute d'étude : la note au conseil le signalera."
                ),
            )

    def scheme_groups(self) -> list[SchemeGroup]:
        groups = []
        for scheme in self.costable:
            parameters = [self[f"param__{scheme.id}__{name}"] for name in self.current[scheme.id]]
            take_up = [self[f"takeup__{scheme.id}__{level}"] for level in LEVELS]
            take_up.append(self[f"takeup__{scheme.id}__source"])
            groups.append(
                SchemeGroup(
                    scheme.id,
                    translated(scheme.spec.title),
                    self[f"cost__{scheme.id}"],
                    parameters,
                    take_up,
                )
            )
        return groups

    def spec_data(self) -> dict[str, Any]:
        """The scenario as `ScenarioSpec` reads it (name and population added by the view)."""
        data = self.cleaned_data
        schemes = [s.id for s in self.costable if data.get(f"cost__{s.id}")]
        overrides: dict[str, float] = {}
        take_up: dict[str, dict[str, Any]] = {}
        for scheme_id in schemes:
            for name, current in self.current[scheme_id].items():
                value = data.get(f"param__{scheme_id}__{name}")
                if value is not None and value != current:
                    overrides[f"{scheme_id}.{name}"] = value
            rates = {
                level: (
                    data[f"takeup__{scheme_id}__{level}"] / 100
                    if data.get(f"takeup__{scheme_id}__{level}") is not None
                    else DEFAULT_TAKE_UP.rate(level)
                )
                for level in LEVELS
            }
            source = data.get(f"takeup__{scheme_id}__source") or "Hypothèse"
            take_up[scheme_id] = rates | {"source": source}
        return {
            "date": data["date"].isoformat(),
            "schemes": schemes,
            "overrides": overrides,
            "take_up": take_up,
        }


class SyntheticPopulationForm(forms.Form):
    commune = forms.ChoiceField(label=_("Commune"), choices=COSTABLE_COMMUNES)
    seed = forms.IntegerField(
        label=_("Graine"),
        min_value=1,
        max_value=1_000_000,
        initial=1,
        help_text=_("La même graine redonne la même population."),
    )
    households = forms.IntegerField(
        label=_("Ménages tirés (facultatif)"),
        min_value=100,
        max_value=500_000,
        required=False,
        help_text=_(
            "Par défaut, autant que la commune en compte (recensement) ; chacun pèse alors 1."
        ),
    )


class ImportPopulationForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    file = forms.FileField(
        label=_("Fichier (CSV ou Parquet, une ligne par personne)"),
        validators=[FileExtensionValidator(["csv", "parquet"])],
        help_text=_(
            "Colonnes : household_id, les variables du moteur, et facultativement weight, iris, "
            "qpv. 20 Mo au plus."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Le fichier dépasse 20 Mo."))
        return upload
