from django.urls import path

from solidarite.cases import views

urlpatterns = [
    path("orientations/", views.referral_list, name="cases_referrals"),
    path("orientations/nouvelle/", views.referral_create, name="cases_referral_create"),
    path("orientations/<int:pk>/", views.referral_detail, name="cases_referral"),
    path(
        "orientations/<int:pk>/<slug:decision>/",
        views.referral_decide,
        name="cases_referral_decide",
    ),
]
