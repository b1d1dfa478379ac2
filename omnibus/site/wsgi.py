"""WSGI entry point for serving Omnibus behind any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omnibus.core.settings")
application = get_wsgi_application()
