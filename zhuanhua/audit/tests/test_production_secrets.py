"""Production refuses to start without its two secrets (DJANGO_SECRET_KEY, ZHUANHUA_AUDIT_KEY):
the settings module raises at import with a message naming what is missing."""

import importlib
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

MODULE = "config.settings.production"
GOOD = "x" * 40


def _load_production():
    sys.modules.pop(MODULE, None)
    try:
        return importlib.import_module(MODULE)
    finally:
        sys.modules.pop(MODULE, None)


def test_production_starts_with_both_secrets(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", GOOD)
    monkeypatch.setenv("ZHUANHUA_AUDIT_KEY", "y" * 40)
    module = _load_production()
    assert (module.SECRET_KEY, module.ZHUANHUA_AUDIT_KEY) == (GOOD, "y" * 40)


@pytest.mark.parametrize(
    ("secret_key", "audit_key", "lines"),
    [
        ("", "", ["DJANGO_SECRET_KEY 未设置", "ZHUANHUA_AUDIT_KEY 未设置"]),
        (GOOD, "", ["ZHUANHUA_AUDIT_KEY 未设置（用于审计日志哈希链的密钥签名与检查点"]),
        ("", GOOD, ["DJANGO_SECRET_KEY 未设置（用于签名会话、CSRF 令牌与密码重置链接）"]),
        (GOOD, "dev-only-audit-key-not-secret", ["ZHUANHUA_AUDIT_KEY 是开发用的公开默认值"]),
        ("dev-only-insecure-key-change-me", GOOD, ["DJANGO_SECRET_KEY 是开发用的公开默认值"]),
        (GOOD, "short", ["ZHUANHUA_AUDIT_KEY 太短：至少 32 个字符"]),
    ],
)
def test_production_refuses_to_start_without_its_secrets(monkeypatch, secret_key, audit_key, lines):
    monkeypatch.setenv("DJANGO_SECRET_KEY", secret_key)
    monkeypatch.setenv("ZHUANHUA_AUDIT_KEY", audit_key)
    with pytest.raises(ImproperlyConfigured) as exc:
        _load_production()
    message = str(exc.value)
    assert message.startswith("生产环境拒绝启动：缺少必需的密钥。\n")
    for line in lines:
        assert line in message
    assert message.count("\n  DJANGO_SECRET_KEY") + message.count("\n  ZHUANHUA_AUDIT_KEY") == len(
        lines
    )


def test_wsgi_start_up_without_the_audit_key_exits_with_the_message():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "ZHUANHUA_AUDIT", "DATABASE_URL"))
    }
    env["DJANGO_SECRET_KEY"] = GOOD
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "生产环境拒绝启动：缺少必需的密钥。" in result.stderr
    assert "ZHUANHUA_AUDIT_KEY 未设置" in result.stderr
    assert "DJANGO_SECRET_KEY 未设置" not in result.stderr
