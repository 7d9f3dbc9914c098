"""Organisations get a stable, unique code: existing ones are coded from their name."""

import django.core.validators
from django.db import migrations, models
from django.utils.text import slugify


def code_from_names(apps, schema_editor):  # type: ignore[no-untyped-def]
    Organisation = apps.get_model("accounts", "Organisation")
    taken: set[str] = set()
    for organisation in Organisation.objects.order_by("pk"):
        base = (slugify(organisation.name) or "organisation")[:56]
        code, n = base, 1
        while code in taken:
            n += 1
            code = f"{base}-{n}"
        taken.add(code)
        organisation.code = code
        organisation.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="code",
            field=models.CharField(max_length=64, null=True, verbose_name="code"),
        ),
        migrations.RunPython(code_from_names, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="code",
            field=models.CharField(
                max_length=64,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9][a-z0-9-]{1,63}$",
                        "Un code d'organisation s'écrit en minuscules, chiffres et tirets "
                        "(par exemple ccas-de-besancon).",
                    )
                ],
                verbose_name="code",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(("code", ""), _negated=True), name="organisation_code_not_empty"
            ),
        ),
    ]
