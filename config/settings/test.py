"""The test suite: fast hashing, in-memory e-mail, no lockout carry-over between tests."""

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
AXES_FAILURE_LIMIT = 5
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Rate limits off by default in tests; zhuanhua/core/tests/test_security.py turns them on.
ZHUANHUA_RATE_LIMITS = {"login": None, "sign_up": None, "search": None}
# The public page cache is off in tests (a test that writes then reads anonymously would see a
# stored copy after bulk updates); zhuanhua/core/tests/test_pagecache.py turns it on.
ZHUANHUA_PAGE_CACHE_SECONDS = 0
# No checkpoint file unless a test asks for one (tests in one process share settings; a
# checkpoint left by one test would judge the next test's chain). zhuanhua/audit/tests set it.
ZHUANHUA_AUDIT_CHECKPOINT_PATH = ""
ZHUANHUA_AUDIT_KEY = "test-only-audit-key"
# Tasks run at enqueue, in the test's own transaction (zhuanhua/achievements/tests/test_import_task.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The completers' consent before an offer is published (achievements/consent.py) is off by default
# in tests: the suites publish offers without asking; zhuanhua/achievements/tests/test_consent.py
# and the disclosures tests turn it on.
ZHUANHUA_CONSENT_BEFORE_PUBLISH = False
