from django.contrib import admin

from solidarite.privacy.models import Erasure, LegalHold, RetentionOverride


@admin.register(RetentionOverride)
class RetentionOverrideAdmin(admin.ModelAdmin[RetentionOverride]):
    """An organisation shortens a duration; longer than the policy is refused on save."""

    list_display = ["organisation", "kind", "months"]


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin[LegalHold]):
    list_display = ["person", "review_on", "decided_by"]
    raw_id_fields = ["person"]


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin[Erasure]):
    list_display = ["person_pk", "at", "decided_by", "payments_kept"]
