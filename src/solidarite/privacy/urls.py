from django.urls import path

from solidarite.privacy import views

urlpatterns = [
    path("", views.search, name="privacy_search"),
    path("personnes/<int:pk>/", views.person_detail, name="privacy_person"),
    path("personnes/<int:pk>/export.<slug:fmt>", views.person_export, name="privacy_person_export"),
    path("personnes/<int:pk>/effacement/", views.person_erase, name="privacy_person_erase"),
    path("dossiers/<int:pk>/conservation/", views.legal_hold, name="privacy_legal_hold"),
]
