"""/sitemap.xml: the public pages, and only public places (never a confidential one)."""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from solidarite.territory.models import Area, Level, Place, Visibility


class PublicPages(Sitemap[str]):
    def items(self) -> list[str]:
        return ["home", "simulator_start", "plans_list", "territory_directory", "territory_areas"]

    def location(self, item: str) -> str:
        return reverse(item)


class Places(Sitemap[Place]):
    def items(self) -> Any:
        return Place.objects.filter(visibility=Visibility.PUBLIC).order_by("slug")

    def location(self, item: Place) -> str:
        return reverse("territory_place", args=[item.slug])

    def lastmod(self, item: Place) -> Any:
        return item.last_verified


class Areas(Sitemap[Area]):
    def items(self) -> Any:
        return Area.objects.exclude(level=Level.DEPARTEMENT).order_by("level", "code")

    def location(self, item: Area) -> str:
        return reverse("territory_area", args=[item.level, item.code])


SITEMAPS = {"pages": PublicPages, "places": Places, "areas": Areas}
