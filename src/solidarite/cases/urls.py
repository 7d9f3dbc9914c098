from django.urls import path

from solidarite.cases import file_views, views

urlpatterns = [
    path("orientations/", views.referral_list, name="cases_referrals"),
    path("orientations/nouvelle/", views.referral_create, name="cases_referral_create"),
    path("orientations/<int:pk>/", views.referral_detail, name="cases_referral"),
    path(
        "orientations/<int:pk>/<slug:decision>/",
        views.referral_decide,
        name="cases_referral_decide",
    ),
    path("dossiers/<int:pk>/", file_views.file_detail, name="cases_file"),
    path("dossiers/<int:pk>/decision/", file_views.file_decide, name="cases_file_decide"),
    path("dossiers/<int:pk>/contrat/", file_views.file_contract, name="cases_file_contract"),
    path("dossiers/<int:pk>/signature/", file_views.file_sign, name="cases_file_sign"),
    path("dossiers/<int:pk>/cloture/", file_views.file_close, name="cases_file_close"),
    path("dossiers/<int:pk>/suspension/", file_views.file_suspend, name="cases_file_suspend"),
]
