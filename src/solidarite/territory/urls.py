from django.urls import path

from solidarite.territory import views

directory_urls = [
    path("", views.directory_page, name="territory_directory"),
    path("couverture/", views.coverage_page, name="territory_coverage"),
    path("a-verifier/", views.stale_places, name="territory_stale"),
    path("export.json", views.export_json, name="territory_export"),
    path("lieux/<slug:slug>/", views.place_page, name="territory_place"),
    path("lieux/<slug:slug>/verifie/", views.mark_verified, name="territory_verified"),
    path("lieux/<slug:slug>/passages.ics", views.place_calendar, name="territory_calendar"),
]

area_urls = [
    path("", views.area_list, name="territory_areas"),
    path("<str:level>/<str:code>/", views.area_page, name="territory_area"),
    path("<str:level>/<str:code>/rapport/", views.area_report, name="territory_report"),
    path("<str:level>/<str:code>/export.csv", views.area_csv, name="territory_area_csv"),
]
