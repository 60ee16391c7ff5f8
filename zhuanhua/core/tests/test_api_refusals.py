"""The API refuses bad numbers, characters, dates and bodies with a 4xx in Chinese, never a 5xx,
and writes nothing. Every JSON body of the published schema is probed, so a new endpoint whose
schema forgets the shared types shows up here."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from zhuanhua.core.api_errors import ERR_BAD_BODY, chinese_message
from zhuanhua.core.inputs import (
    ERR_CONTROL_CHARS,
    ERR_CONTROL_CHARS_MULTILINE,
    ERR_MONEY_NEGATIVE,
    ERR_MONEY_NOT_FINITE,
    ERR_MONEY_SCALE,
    ERR_MONEY_TOO_LARGE,
    ERR_SURROGATE,
)

BAD_MONEY = [
    ("1e400", ERR_MONEY_NOT_FINITE),  # a JSON number: json.loads makes it an infinity
    ("NaN", ERR_MONEY_NOT_FINITE),
    ("Infinity", ERR_MONEY_NOT_FINITE),
    ('"1.005"', ERR_MONEY_SCALE),
    (
        '"10000000000000000"',
        ERR_MONEY_TOO_LARGE.format(digits=15),  # (12 for the 14-digit columns)
    ),
    ("-1", ERR_MONEY_NEGATIVE),
]
BAD_TEXT = [
    ('"a\\u0000b"', (ERR_CONTROL_CHARS, ERR_CONTROL_CHARS_MULTILINE)),
    ('"a\\u001bb"', (ERR_CONTROL_CHARS, ERR_CONTROL_CHARS_MULTILINE)),
    ('"a\\ud800b"', (ERR_SURROGATE,)),
]


def _row_count() -> int:
    return sum(
        model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("zhuanhua.") and not model._meta.proxy
    )


def _json_bodies(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path with ids = 1, properties) of every operation taking a JSON body."""
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            body = content["application/json"]["schema"]
            if "$ref" in body:
                body = components[body["$ref"].rsplit("/", 1)[-1]]
            url = path
            for name in [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]:
                url = url.replace("{" + name + "}", "1")
            found.append((method.upper(), url, body.get("properties", {})))
    return found


def _is_money(prop: dict[str, Any]) -> bool:
    options = prop.get("anyOf", [prop])
    return any("金额（元）" in (o.get("description") or "") for o in [prop, *options])


def _is_text(prop: dict[str, Any]) -> bool:
    """A free text: every option a plain string (or null), no format, choice list or pattern."""
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    return bool(options) and all(
        o.get("type") == "string" and not ({"format", "enum", "pattern", "$ref"} & set(o))
        for o in options
    )


def _send(client: Client, method: str, url: str, raw: str) -> Any:
    return client.generic(method, url, raw.encode("utf-8", "surrogatepass"), "application/json")


@pytest.mark.django_db
def test_every_money_and_text_field_of_the_api_refuses_bad_values(
    client: Client, manager_a: Any
) -> None:
    client.force_login(manager_a)
    before = _row_count()
    bodies = _json_bodies(client)
    money_fields = text_fields = 0
    failures = []
    for method, url, props in bodies:
        for name, prop in props.items():
            if _is_money(prop):
                cases: list[tuple[str, tuple[str, ...]]] = [
                    (v, (m, m.replace("15", "12"))) for v, m in BAD_MONEY
                ]
                money_fields += 1
            elif _is_text(prop):
                cases = BAD_TEXT
                text_fields += 1
            else:
                continue
            for raw, messages in cases:
                response = _send(client, method, url, f'{{"{name}": {raw}}}')
                detail = response.json().get("detail") if response.status_code == 422 else None
                named = [d for d in detail or [] if d.get("field") == name]
                if response.status_code != 422 or not named or named[0]["message"] not in messages:
                    failures.append(f"{method} {url} {name}={raw}: {response.status_code} {detail}")
    assert money_fields >= 14  # the probe found the schema's fields
    assert text_fields >= 45
    assert not failures, "\n".join(failures)
    assert _row_count() == before


NO_BOUNDARY = ("multipart/form-data", b"--x\r\nContent-Disposition: form-data\r\n\r\n")
EMPTY_BOUNDARY = ("multipart/form-data; boundary=", b"--\r\n")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "content_type", "body"),
    [
        ("/api/achievements/", "application/json", b'{"title": '),
        ("/api/achievements/", "application/json", b"\xff\xfe not utf-8"),
        ("/api/achievements/", *NO_BOUNDARY),
        ("/api/credit/", *NO_BOUNDARY),  # a form endpoint
        ("/api/credit/", *EMPTY_BOUNDARY),
        ("/api/licensing/licences/1/signing", *NO_BOUNDARY),  # form + file
        ("/api/vouchers/spends/1/claim", *EMPTY_BOUNDARY),
    ],
)
def test_malformed_bodies_are_a_400_in_chinese(
    client: Client, manager_a: Any, url: str, content_type: str, body: bytes
) -> None:
    client.force_login(manager_a)
    before = _row_count()
    response = client.generic("POST", url, body, content_type)
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": ERR_BAD_BODY}
    assert _row_count() == before


@pytest.mark.django_db
def test_pydantic_refusals_are_chinese_and_name_the_field(client: Client, manager_a: Any) -> None:
    client.force_login(manager_a)
    response = client.post(
        "/api/achievements/",
        json.dumps({"title": "x" * 201, "trl": "九", "keywords": ["k"] * 21}),
        content_type="application/json",
    )
    assert response.status_code == 422
    detail = {d["field"]: d["message"] for d in response.json()["detail"]}
    assert detail["title"] == "内容不能超过 200 字"
    assert detail["trl"] == "应为整数"
    assert detail["keywords"] == "最多 20 项"
    assert detail["summary"] == "此项为必填项"
    assert all(not any("a" <= ch <= "z" for ch in m) for m in detail.values()), detail


def test_error_codes_without_a_chinese_template_fall_back_to_chinese() -> None:
    assert chinese_message({"type": "some_new_code", "msg": "English text"}) == "填写有误"
    assert chinese_message({"type": "value_error", "msg": "Value error, must be positive"}) == (
        "填写有误"
    )
    assert chinese_message({"type": "greater_than_equal", "ctx": {"ge": 1}}) == "不能小于 1"
    assert chinese_message({"type": "decimal_max_places", "ctx": {"decimal_places": 2}}) == (
        "最多 2 位小数"
    )
