from typing import Any

from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    return {"PLATFORM_NAME": "云南省科技成果转移转化服务平台", "PLATFORM_SHORT": "转化"}
