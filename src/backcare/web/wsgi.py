"""The WSGI application that ``backcare serve`` runs."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcare.web.settings")
application = get_wsgi_application()
