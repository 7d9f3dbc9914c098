"""WSGI entry point for gunicorn: `gunicorn solidarite.wsgi`.

The resident simulator's endpoint has a handler of its own with less middleware
(`solidarite.core.lean`); every other URL goes through the whole site's.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarite.settings")
site = get_wsgi_application()

from solidarite.core.lean import SimulatorHandler, dispatch  # noqa: E402  (after setup)

application = dispatch(site, SimulatorHandler().serve)
