"""JSON for the API, written by orjson.

A simulator answer is about 60 KB of explanations; the standard library's encoder spent more
time writing it than the engine spent computing it. orjson writes the same JSON (NaN and
infinities, which JSON cannot carry, become null); what it does not know (Decimal, lazy
translations...) goes through django-ninja's own encoder.
"""

from typing import Any

import orjson
from django.http import HttpRequest
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_NINJA = NinjaJSONEncoder()


def render_json(data: Any) -> bytes:
    try:
        return orjson.dumps(data, default=_NINJA.default)
    except TypeError:
        # A key that is not a string (a number, a date): orjson writes it as one with this
        # option, which doubles the time of a simulator's answer (which has none).
        return orjson.dumps(data, default=_NINJA.default, option=orjson.OPT_NON_STR_KEYS)


class FastJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return render_json(data)
