from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "zhuanhua.dashboards"
    verbose_name = "数据看板"

    def ready(self) -> None:
        # Charts kept beside charts.py register themselves on import.
        from zhuanhua.dashboards import event_charts  # noqa: F401
