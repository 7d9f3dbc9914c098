from django.contrib import admin

from solidarite.accounts.models import Membership, Organisation


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "commune_code"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]
