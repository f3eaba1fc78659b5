import os

from django.core.wsgi import get_wsgi_application

from recruitcrm.startup import read_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruitcrm.settings")

# 4 is gunicorn's "App failed to load": its master stops, rather than booting workers that fail
# the same way forever.
read_settings_or_exit(exit_code=4)
application = get_wsgi_application()
