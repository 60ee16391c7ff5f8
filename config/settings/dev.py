"""Local demo: `make run`. SQLite unless DATABASE_URL says otherwise."""

from config.env import env, env_bool
from config.settings.base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
# A recreated demo database starts a new audit chain beside the old one's checkpoints (base.py).
ZHUANHUA_AUDIT_IGNORE_OTHER_CHAINS = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
if DEBUG:  # an edited template shows at once (runserver reloads code, not this process's fragments)
    CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}  # noqa: F405

# E-mail of the demo and of pages tried by hand: one file per message under var/mail/, so
# `make run` ends with the demo accounts rather than pages of MIME. ZHUANHUA_EMAIL_CONSOLE=1
# prints them instead; DJANGO_EMAIL_BACKEND names any other backend.
if not env("DJANGO_EMAIL_BACKEND"):
    if env_bool("ZHUANHUA_EMAIL_CONSOLE"):
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    else:
        EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        EMAIL_FILE_PATH = str(BASE_DIR / "var" / "mail")  # noqa: F405
