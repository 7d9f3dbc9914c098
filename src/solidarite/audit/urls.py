from django.urls import path

from solidarite.audit import views

urlpatterns = [
    path("acces/", views.access_log, name="audit_access_log"),
    path("modifications/", views.change_history, name="audit_change_history"),
]
