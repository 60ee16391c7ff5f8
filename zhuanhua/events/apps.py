from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "zhuanhua.events"
    verbose_name = "对接活动"
