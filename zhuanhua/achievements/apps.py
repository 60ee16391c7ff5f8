from django.apps import AppConfig


class AchievementsConfig(AppConfig):
    name = "zhuanhua.achievements"
    verbose_name = "科技成果"
