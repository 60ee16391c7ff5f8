from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "zhuanhua.directory"
    verbose_name = "服务机构与技术经理人"
