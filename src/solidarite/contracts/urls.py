"""The file page and its contract steps, under /accompagnement/ beside the cases app's pages."""

from django.urls import path

from solidarite.contracts import views
from solidarite.payments import file_views as payment_file_views

urlpatterns = [
    path("dossiers/<int:pk>/", views.file_detail, name="cases_file"),
    path("dossiers/<int:pk>/decision/", views.file_decide, name="cases_file_decide"),
    path("dossiers/<int:pk>/contrat/", views.file_contract, name="cases_file_contract"),
    path("dossiers/<int:pk>/signature/", views.file_sign, name="cases_file_sign"),
    path("dossiers/<int:pk>/cloture/", views.file_close, name="cases_file_close"),
    path("dossiers/<int:pk>/suspension/", views.file_suspend, name="cases_file_suspend"),
    path("dossiers/<int:pk>/demarrer/", views.start_waiting, name="cases_start"),
    path("dossiers/<int:pk>/rattrapage/", views.catch_up_request, name="contracts_catch_up"),
    path(
        "dossiers/<int:pk>/rattrapage/<int:catch_up_pk>/approbation/",
        views.catch_up_approve,
        name="contracts_catch_up_approve",
    ),
    path("dossiers/<int:pk>/rib/", payment_file_views.bank_details, name="cases_bank_details"),
]
