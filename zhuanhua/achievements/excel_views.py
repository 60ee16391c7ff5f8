"""Excel import/export pages (being built: see zhuanhua/achievements/excel.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def import_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def template_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def export_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)
