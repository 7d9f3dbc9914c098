from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from solidarite.accounts import views

urlpatterns = [
    path("connexion/", views.SolidariteLoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mon-compte/", views.my_account, name="my_account"),
    path("depart/", views.start, name="start"),
    path("organisation/", views.choose_organisation, name="choose_organisation"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/membres/<int:member_id>/", views.member_detail, name="member_detail"),
]
