from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "zhuanhua.dashboards"
    verbose_name = "数据看板"
