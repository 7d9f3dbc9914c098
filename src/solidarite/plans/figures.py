"""Live figures of the schemes a measure is linked to, as a public page may show them: people
supported and money paid, with counts under 5 masked and no amount over fewer than 5 files."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from solidarite.cases.indicators import SMALL_COUNT, count_text
from solidarite.schemes.services import get_catalog, translated


@dataclass(frozen=True)
class SchemeFigures:
    scheme_id: str
    title: str
    supported: str
    paid: Decimal | None


def scheme_figures(scheme_ids: list[str]) -> list[SchemeFigures]:
    from solidarite.cases.models import CaseFile
    from solidarite.payments.models import Payment, PaymentStatus

    catalog = get_catalog()
    figures = []
    for scheme_id in scheme_ids:
        scheme = catalog.schemes.get(scheme_id)
        if scheme is None:
            continue
        supported = CaseFile.objects.filter(scheme_id=scheme_id, started_on__isnull=False).count()
        paid = Payment.objects.filter(
            file__scheme_id=scheme_id, status=PaymentStatus.PAID
        ).aggregate(total=Sum("amount"), files=Count("file", distinct=True))
        figures.append(
            SchemeFigures(
                scheme_id,
                translated(scheme.spec.title),
                count_text(supported),
                paid["total"] if (paid["files"] or 0) >= SMALL_COUNT else None,
            )
        )
    return figures
