from django.urls import path

from solidarite.cases import caseload_views, support_views, views, workshop_views

urlpatterns = [
    path("", caseload_views.dashboard, name="cases_dashboard"),
    path("dossiers/", caseload_views.caseload_list, name="cases_caseload"),
    path("indicateurs/", caseload_views.indicators_page, name="cases_indicators"),
    path("orientations/", views.referral_list, name="cases_referrals"),
    path("orientations/nouvelle/", views.referral_create, name="cases_referral_create"),
    path("orientations/<int:pk>/", views.referral_detail, name="cases_referral"),
    path("orientations/<int:pk>/reponse/", views.referral_reply, name="cases_referral_reply"),
    path("orientations/<int:pk>/retrait/", views.referral_withdraw, name="cases_referral_withdraw"),
    path("orientations/<int:pk>/note/", views.referral_note, name="cases_referral_note"),
    path(
        "orientations/<int:pk>/<slug:decision>/",
        views.referral_decide,
        name="cases_referral_decide",
    ),
    path("dossiers/<int:pk>/referent/", support_views.set_referent, name="cases_set_referent"),
    path("dossiers/<int:pk>/foyer/", support_views.add_member, name="cases_add_member"),
    path("dossiers/<int:pk>/diagnostic/", support_views.diagnostic, name="cases_diagnostic"),
    path("dossiers/<int:pk>/objectifs/", support_views.add_objective, name="cases_add_objective"),
    path("dossiers/<int:pk>/actions/", support_views.add_action, name="cases_add_action"),
    path("dossiers/<int:pk>/notes/", support_views.add_note, name="cases_add_note"),
    path(
        "dossiers/<int:pk>/actions/<int:action_pk>/",
        support_views.action_status,
        name="cases_action_status",
    ),
    path(
        "dossiers/<int:pk>/rendez-vous/",
        support_views.book_appointment,
        name="cases_book_appointment",
    ),
    path(
        "dossiers/<int:pk>/rendez-vous/<int:appointment_pk>/",
        support_views.appointment_status,
        name="cases_appointment_status",
    ),
    path(
        "dossiers/<int:pk>/ateliers/",
        support_views.register_workshop,
        name="cases_register_workshop",
    ),
    path("ateliers/", workshop_views.workshop_list, name="cases_workshops"),
    path("ateliers/<int:pk>/", workshop_views.workshop_detail, name="cases_workshop"),
    path(
        "ateliers/<int:pk>/presences/",
        workshop_views.workshop_attendance,
        name="cases_workshop_attendance",
    ),
]
