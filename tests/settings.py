"""Django settings for tests: a throwaway data directory, a fast password hasher, and the
database named by BACKCARE_DATABASE_URL (SQLite in the data directory when unset)."""

import atexit
import os
import shutil
import tempfile

if "BACKCARE_HOME" not in os.environ:
    os.environ["BACKCARE_HOME"] = tempfile.mkdtemp(prefix="backcare-test-")
    atexit.register(shutil.rmtree, os.environ["BACKCARE_HOME"], ignore_errors=True)
os.environ.setdefault(
    "BACKCARE_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)

from backcare.web.settings import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["TEST"] = {"NAME": f"test_backcare_{os.getpid()}"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # in the data directory, with the -wal and -shm files SQLite keeps beside it in WAL mode
    DATABASES["default"]["TEST"]["NAME"] = os.path.join(
        os.environ["BACKCARE_HOME"], f"test_backcare_{os.getpid()}.sqlite3"
    )
AXES_ENABLED = True
BACKCARE_BATCH_INLINE = True  # batch jobs run in the request, so tests see them finish
