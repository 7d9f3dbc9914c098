from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView

from solidarite.api.simulate import simulate_view
from solidarite.api.views import api
from solidarite.cases import support_views
from solidarite.core import views as core_views
from solidarite.privacy import views as privacy_views
from solidarite.territory.sitemaps import SITEMAPS
from solidarite.territory.urls import area_urls, directory_urls

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("comptes/", include("solidarite.accounts.urls")),
    path("audit/", include("solidarite.audit.urls")),
    path("simulateur/", include("solidarite.simulator.urls")),
    path("plans/", include("solidarite.plans.urls")),
    path("accompagnement/", include("solidarite.cases.urls")),
    path(
        "rendez-vous/annuler/<str:token>/",
        support_views.cancel_appointment,
        name="appointment_cancel",
    ),
    path("accompagnement/", include("solidarite.contracts.urls")),
    path("finances/", include("solidarite.payments.urls")),
    path("chiffrage/", include("solidarite.costing.urls")),
    path("vie-privee/", include("solidarite.privacy.urls")),
    path("conservation/", privacy_views.retention_page, name="privacy_retention"),
    path("annuaire/", include(directory_urls)),
    path("territoire/", include(area_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Served by a plain view, described by django-ninja (solidarite/api/simulate.py).
    path("api/v1/simulate", simulate_view),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
