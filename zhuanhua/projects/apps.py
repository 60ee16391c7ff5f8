from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhuanhua.projects"
    verbose_name = "科技计划项目"
