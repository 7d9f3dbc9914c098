from django.urls import path

from solidarite.costing import views

urlpatterns = [
    path("", views.index, name="costing_index"),
    path("comparer/", views.compare, name="costing_compare"),
    path("populations/nouvelle/", views.population_create, name="costing_population_create"),
    path("populations/importer/", views.population_import, name="costing_population_import"),
    path("populations/<int:pk>/", views.population_detail, name="costing_population"),
    path("scenarios/nouveau/", views.scenario_create, name="costing_scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="costing_scenario"),
    path("scenarios/<int:pk>/calculer/", views.scenario_run, name="costing_scenario_run"),
    path("scenarios/<int:pk>/annuler/", views.run_cancel, name="costing_run_cancel"),
    path("scenarios/<int:pk>/resultats.csv", views.scenario_csv, name="costing_scenario_csv"),
    path("scenarios/<int:pk>/note/", views.scenario_note, name="costing_scenario_note"),
]
