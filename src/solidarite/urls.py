from django.contrib import admin
from django.urls import include, path

from solidarite.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("comptes/", include("solidarite.accounts.urls")),
    path("audit/", include("solidarite.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
