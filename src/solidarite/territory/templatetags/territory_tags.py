"""Small template helpers for the directory and the territory pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """mapping[key] in a template (labels of the data·inclusion vocabulary)."""
    return mapping.get(key, "")


@register.filter
def figure(value: float) -> str:
    """A figure as published: integers without decimals, others with one."""
    return f"{value:,.0f}".replace(",", "\u202f") if float(value).is_integer() else f"{value:.1f}"
