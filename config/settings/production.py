"""Production: PostgreSQL (DATABASE_URL), gunicorn behind a TLS reverse proxy. See docs/deploy.md."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool
from config.settings.base import *  # noqa: F403

# The two secrets production cannot run without: refused here, at start-up, with a message that
# says what to set (not a warning from `check --deploy` that nobody reads). docs/deploy.md.
SECRETS = {
    "DJANGO_SECRET_KEY": "签名会话、CSRF 令牌与密码重置链接",
    "ZHUANHUA_AUDIT_KEY": "审计日志哈希链的密钥签名与检查点（docs/audit.md）",
}
DEV_DEFAULTS = {"dev-only-insecure-key-change-me", "dev-only-audit-key-not-secret"}
SECRET_MIN_LENGTH = 32


def secrets_problems() -> list[str]:
    """One line per secret that is missing, a known development default, or too short."""
    problems = []
    for name, purpose in SECRETS.items():
        value = env(name).strip()
        if not value:
            problems.append(f"  {name} 未设置（用于{purpose}）")
        elif value in DEV_DEFAULTS:
            problems.append(f"  {name} 是开发用的公开默认值，不能用于生产（用于{purpose}）")
        elif len(value) < SECRET_MIN_LENGTH:
            problems.append(f"  {name} 太短：至少 {SECRET_MIN_LENGTH} 个字符（用于{purpose}）")
    return problems


if _problems := secrets_problems():
    raise ImproperlyConfigured(
        "生产环境拒绝启动：缺少必需的密钥。\n"
        + "\n".join(_problems)
        + "\n请在环境（如 /etc/zhuanhua/env）中设置后重新启动；可用以下命令生成：\n"
        "  python -c 'import secrets; print(secrets.token_urlsafe(50))'\n"
        "Production refuses to start: set DJANGO_SECRET_KEY and ZHUANHUA_AUDIT_KEY "
        "(each at least 32 characters, not the development defaults). See docs/deploy.md."
    )

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ZHUANHUA_AUDIT_KEY = env("ZHUANHUA_AUDIT_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind the reverse proxy: lockouts and rate limits see the client's address, not the proxy's.
AXES_CLIENT_IP_CALLABLE = "zhuanhua.core.ratelimit.client_address"
