"""One "today" for every date decision: the local date of the configured time zone.

A server clock runs in UTC; at 00:30 in Paris it is still yesterday in UTC. Every rule that
depends on the date (a payment due, a contract start, a batch month) asks here, so that the
answer is the one a case worker in Besançon would give.
"""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """The date in the configured time zone (Europe/Paris)."""
    return timezone.localdate()


def now() -> dt.datetime:
    """The current instant, time-zone aware."""
    return timezone.now()
