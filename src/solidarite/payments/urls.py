from django.urls import path

from solidarite.payments import in_kind_views, views

urlpatterns = [
    path("", views.dashboard, name="payments_dashboard"),
    path("enveloppes/<int:pk>/", views.envelope_detail, name="payments_envelope"),
    path("lots/", views.batch_list, name="payments_batches"),
    path("lots/<int:pk>/", views.batch_detail, name="payments_batch"),
    path("lots/<int:pk>/validation/", views.batch_validate, name="payments_batch_validate"),
    path("lots/<int:pk>/annulation/", views.batch_cancel, name="payments_batch_cancel"),
    path("lots/<int:pk>/export/<slug:fmt>/", views.batch_export, name="payments_batch_export"),
    path("aides-en-nature/", in_kind_views.stock, name="payments_stock"),
    path("aides-en-nature/<int:pk>/", in_kind_views.item_kind, name="payments_item_kind"),
    path("aides-en-nature/<int:pk>/reception/", in_kind_views.receive, name="payments_receive"),
    path("aides-en-nature/<int:pk>/remise/", in_kind_views.hand_out, name="payments_hand_out"),
    path("prets/<int:pk>/retour/", in_kind_views.loan_returned, name="payments_loan_returned"),
]
