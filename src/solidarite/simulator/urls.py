from django.urls import path

from solidarite.simulator import views

urlpatterns = [
    path("", views.start, name="simulator_start"),
    path("questions/", views.questions, name="simulator_questions"),
    path("questions/<int:step>/", views.questions, name="simulator_step"),
    path("resultats/", views.results, name="simulator_results"),
    path("resultats/telecharger/", views.download, name="simulator_download"),
    path("effacer/", views.erase, name="simulator_erase"),
    path("reponses/", views.recap, name="simulator_recap"),
    path("reponses/<str:key>/", views.change, name="simulator_change"),
]
