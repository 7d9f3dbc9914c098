"""WSGI entry point for gunicorn: `gunicorn solidarite.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarite.settings")
application = get_wsgi_application()
