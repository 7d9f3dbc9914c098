"""Plan -> axis -> measure -> milestones and indicators; governance bodies and meetings.

A parent's progress is computed from its children, weighted: never stored twice.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import Organisation


class Status(models.Model):
    """One entry of the configurable list of measure statuses."""

    code = models.SlugField(unique=True)
    label_fr = models.CharField(max_length=100)
    label_en = models.CharField(max_length=100)
    default_progress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    done = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("statut")

    def __str__(self) -> str:
        return self.label_fr


class Plan(models.Model):
    slug = models.SlugField(unique=True)
    title_fr = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    collectivity = models.CharField(max_length=300)
    commune_code = models.CharField(max_length=5)
    period_start = models.DateField()
    period_end = models.DateField(null=True, blank=True)
    summary_fr = models.TextField()
    summary_en = models.TextField()
    source_title = models.CharField(max_length=300)
    source_seed = models.CharField(max_length=100)
    source_date = models.DateField()
    deliberation = models.CharField(max_length=300, blank=True)
    status_note_fr = models.TextField(blank=True)
    status_note_en = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("plan")

    def __str__(self) -> str:
        return self.title_fr


class Axis(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField()
    title_fr = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    pilots = models.ManyToManyField(Organisation, blank=True, related_name="piloted_axes")

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="axis_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title_fr}"


class Horizon(models.TextChoices):
    FIRST_SIX_MONTHS = "first_six_months", _("Dans les six premiers mois")
    SHORT_TERM = "short_term", _("Court terme")
    LONG_TERM = "long_term", _("Long terme")


class Measure(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="measures")
    number = models.CharField(max_length=12)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    horizon = models.CharField(max_length=20, choices=Horizon.choices)
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="measures")
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    weight = models.FloatField(default=1.0)
    pilot_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="piloted_measures"
    )
    pilot_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="piloted_measures"
    )
    partners = models.JSONField(default=list, blank=True)
    budget_eur = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    schemes = models.JSONField(default=list, blank=True)
    # A pilot's update waits here until published: {"status": pk, "progress": n,
    # "milestone_date": iso, "milestone_text": str}. The public page reads only published fields.
    draft = models.JSONField(null=True, blank=True)
    # Territory figures the measure answers to: [{"indicator": ..., "area": "qpv/QN02503M"}].
    cited_figures = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["axis__plan", "axis__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["axis", "number"], name="measure_unique_number"),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100),
                name="measure_progress_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="measure_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class Milestone(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    text = models.CharField(_("jalon"), max_length=500)

    class Meta:
        ordering = ["measure", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.text}"


class Indicator(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField(max_length=200)
    unit = models.CharField(max_length=50)
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return self.label


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    date = models.DateField()
    value = models.FloatField()

    class Meta:
        ordering = ["indicator", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"], name="indicator_value_unique_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.value}"


class Body(models.Model):
    """A governance body: steering committee, technical group, the CCAS reviews."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bodies")
    code = models.SlugField()
    name_fr = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    kind = models.CharField(max_length=30)
    meetings_per_year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="body_unique_code")]

    def __str__(self) -> str:
        return self.name_fr


class Meeting(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("instance")
    )
    date = models.DateField(_("date"))
    attendees = models.TextField(_("participants"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    decisions = models.TextField(_("décisions"), blank=True)
    # The pilot decides what the public page shows: the date always, the decisions if public.
    public = models.BooleanField(_("décisions publiques"), default=False)
    measures_updated = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="meetings",
        verbose_name=_("mesures mises à jour en séance"),
    )

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.body} — {self.date}"
