"""Export everything held about one person (right of access and portability), as JSON or HTML.
The export is written to the access log like any read."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from solidarite.audit.models import AccessLog
from solidarite.cases.models import Person
from solidarite.privacy.export import person_data


class Command(BaseCommand):
    help = "Export a person's data (right of access): --format json|html, --out FILE."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("person", type=int, help="the person's id")
        parser.add_argument("--format", choices=["json", "html"], default="json")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(pk=options["person"]).first()
        if person is None:
            raise CommandError(f"No person with id {options['person']}.")
        data = person_data(person)
        if options["format"] == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2)
        else:
            text = render_to_string("privacy/export.html", {"data": data})
        options["out"].write_text(text, encoding="utf-8")
        options["out"].chmod(0o600)
        AccessLog.objects.create(
            user=None, object_type="cases.person", object_pk=str(person.pk), via="export_person"
        )
        self.stdout.write(f"Exported to {options['out']} (logged).")
