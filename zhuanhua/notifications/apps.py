from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhuanhua.notifications"
    verbose_name = "消息通知"
