from typing import Any

from django.contrib import admin

from solidarite.accounts.models import Membership, Organisation


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "code", "kind", "commune_code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: Any, obj: Organisation | None = None) -> list[str]:
        """The code is chosen once, at creation: schemes and permissions rely on it."""
        return ["code"] if obj is not None else []
