"""The audit trail is read through /audit/ only: nothing in it may be edited or deleted."""

from auditlog.models import LogEntry
from django.contrib import admin

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
