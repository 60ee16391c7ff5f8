"""A phone number in an API body is checked as the forms check it (issue 21.5): the shared Phone
type refuses "abc" with the Chinese message, in the API's usual 422 shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as SchemaValidationError
from ninja.testing import TestClient

from zhuanhua.core.api_errors import schema_errors
from zhuanhua.core.inputs import ERR_PHONE, Phone


class ContactIn(Schema):
    contact_phone: Phone


def _client() -> TestClient:
    api = NinjaAPI(urls_namespace="phone-test")

    @api.exception_handler(SchemaValidationError)
    def _schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": schema_errors(exc.errors)}, status=422)

    @api.post("/contact")
    def contact(request: HttpRequest, payload: ContactIn) -> dict[str, Any]:
        return {"contact_phone": payload.contact_phone}

    return TestClient(api)


@pytest.mark.parametrize("typed", ["abc", "12345", "0871-123", "1381234567a"])
def test_api_refuses_what_is_not_a_phone_number_in_chinese(typed):
    response = _client().post("/contact", json={"contact_phone": typed})

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["message"] == ERR_PHONE
    assert error["field"].endswith("contact_phone")


@pytest.mark.parametrize(
    ("typed", "stored"), [("138 1234 5678", "13812345678"), ("0871-65123456", "0871-65123456")]
)
def test_api_takes_a_phone_number_as_the_form_stores_it(typed, stored):
    response = _client().post("/contact", json={"contact_phone": typed})

    assert response.status_code == 200
    assert response.json() == {"contact_phone": stored}
