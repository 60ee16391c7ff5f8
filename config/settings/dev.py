"""Local demo: `make run`. SQLite unless DATABASE_URL says otherwise."""

from config.env import env_bool
from config.settings.base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
# A recreated demo database starts a new audit chain beside the old one's checkpoints (base.py).
ZHUANHUA_AUDIT_IGNORE_OTHER_CHAINS = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
if DEBUG:  # an edited template shows at once (runserver reloads code, not this process's fragments)
    CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}  # noqa: F405
