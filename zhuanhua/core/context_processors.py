from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext


def platform(request: HttpRequest) -> dict[str, Any]:
    # Called per request, after the language middleware has chosen the language.
    return {
        "PLATFORM_NAME": gettext("云南省科技成果转移转化服务平台"),
        "PLATFORM_SHORT": gettext("转化"),
    }
