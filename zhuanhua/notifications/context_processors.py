from typing import Any

from django.http import HttpRequest


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count: lazy, so pages that never show the header pay nothing."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}

    def count() -> int:
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notifications": count}
