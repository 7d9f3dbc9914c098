from django.urls import path

from solidarite.plans import views

urlpatterns = [
    path("", views.plan_list, name="plans_list"),
    path("pilote/", views.workspace, name="plans_workspace"),
    path("mesures/<int:pk>/modifier/", views.measure_update, name="plans_measure_update"),
    path("mesures/<int:pk>/publier/", views.measure_publish, name="plans_measure_publish"),
    path("<slug:slug>/", views.plan_detail, name="plans_detail"),
    path("<slug:slug>/reunions/nouvelle/", views.meeting_create, name="plans_meeting_create"),
    path("<slug:slug>/export.csv", views.plan_export_csv, name="plans_export_csv"),
    path("<slug:slug>/export.json", views.plan_export_json, name="plans_export_json"),
    path("<slug:slug>/mesures/<str:number>/", views.measure_detail, name="plans_measure"),
]
