"""Password reset by e-mail: a working link, the same answer for unknown addresses, rate limits
per address and per e-mail, and an audited, one-time new password."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from zhuanhua.audit.models import AuditEntry
from zhuanhua.core.ratelimit import ERR_RATE_LIMITED

RESET = "/accounts/password/reset/"
SENT = "/accounts/password/reset/sent/"
NEW_PASSWORD = "Yunnan-new-pw-2026"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(make_user, unit_a):
    user = make_user("forgetful", unit_a, ["achievement_manager"])
    user.email = "forgetful@ynu.example.cn"
    user.save(update_fields=["email"])
    return user


def _link(message):
    match = re.search(
        r"https?://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def test_urls_are_where_the_templates_expect():
    assert reverse("accounts:password_reset") == RESET
    assert reverse("accounts:password_reset_done") == SENT


def test_login_page_links_to_the_reset(client, db):
    assert RESET in client.get(reverse("accounts:login")).content.decode()


def test_reset_form_is_in_chinese(client, db):
    page = client.get(RESET).content.decode()
    assert "找回密码" in page
    assert "发送重置链接" in page


def test_reset_request_mails_a_link_in_chinese(client, person):
    response = client.post(RESET, {"email": "Forgetful@ynu.example.cn"})
    assert response.status_code == 302
    assert response["Location"] == SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@ynu.example.cn"]
    assert message.subject == "云南省科技成果转移转化服务平台：重置密码"
    assert "申请重置账号“forgetful”的密码" in message.body
    assert _link(message).startswith("/accounts/password/reset/")


def test_unknown_address_gets_the_same_answer_and_no_mail(client, person):
    known = client.post(RESET, {"email": "forgetful@ynu.example.cn"})
    unknown = client.post(RESET, {"email": "nobody@example.cn"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1
    assert client.get(SENT).content.decode().count("如果您填写的邮箱属于本平台的账号") == 1


def test_link_sets_a_new_password_once_and_is_audited(client, person):
    client.post(RESET, {"email": "forgetful@ynu.example.cn"})
    link = _link(mail.outbox[0])
    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    before = AuditEntry.objects.filter(action="user.password_reset").count()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.filter(action="user.password_reset").latest("seq")
    assert AuditEntry.objects.filter(action="user.password_reset").count() == before + 1
    assert (entry.object_type, entry.object_id, entry.actor_id) == (
        "accounts.user",
        str(person.pk),
        person.pk,
    )
    again = client.get(link, follow=True).content.decode()
    assert "链接无效" in again


def test_weak_new_password_is_refused_and_nothing_changes(client, person):
    client.post(RESET, {"email": "forgetful@ynu.example.cn"})
    set_url = client.get(_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    before = get_user_model().objects.get(pk=person.pk).password
    response = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert get_user_model().objects.get(pk=person.pk).password == before
    assert not AuditEntry.objects.filter(action="user.password_reset").exists()


def test_reset_lifts_the_login_lockout(client, person):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "forgetful", "password": "wrong-pw"})
    assert AccessAttempt.objects.filter(username="forgetful").exists()
    client.post(RESET, {"email": "forgetful@ynu.example.cn"})
    set_url = client.get(_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not AccessAttempt.objects.filter(username="forgetful").exists()
    login = client.post(
        reverse("accounts:login"), {"username": "forgetful", "password": NEW_PASSWORD}
    )
    assert (login.status_code, login["Location"]) == (302, reverse("core:workbench"))


def test_requests_from_one_address_are_limited(client, person, settings):
    settings.ZHUANHUA_RATE_LIMITS = {"password_reset": (3, 3600), "password_reset_email": None}
    codes = [client.post(RESET, {"email": f"n{i}@example.cn"}).status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]
    refused = client.post(RESET, {"email": "forgetful@ynu.example.cn"})
    assert refused.status_code == 429
    assert ERR_RATE_LIMITED in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == 0


def test_mails_to_one_address_are_limited_without_telling(client, person, settings):
    settings.ZHUANHUA_RATE_LIMITS = {"password_reset": None, "password_reset_email": (2, 3600)}
    responses = [client.post(RESET, {"email": "forgetful@ynu.example.cn"}) for _ in range(4)]
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, SENT)] * 4
    assert len(mail.outbox) == 2


def test_default_limits_apply_when_not_configured(client, person, settings):
    settings.ZHUANHUA_RATE_LIMITS = {}
    codes = [client.post(RESET, {"email": "x@example.cn"}).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
