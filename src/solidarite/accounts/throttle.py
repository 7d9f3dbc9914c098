"""A per-address cap on failed logins, beside django-axes' per-(username, address) lock-out.

Counted from axes' own attempt records in the database (so every worker process sees the same
count), over axes' cool-off window.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from solidarite.accounts.client_ip import client_ip


def failures_from(address: str) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return int(total or 0)


def address_blocked(request: HttpRequest) -> bool:
    return failures_from(client_ip(request)) >= settings.SOLIDARITE_LOGIN_FAILURES_PER_ADDRESS
