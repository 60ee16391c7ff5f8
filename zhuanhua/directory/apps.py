from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "zhuanhua.directory"
    verbose_name = "服务机构与技术经理人"

    def ready(self) -> None:
        # Contracted service requests are voucher spend subjects (vouchers never imports us).
        from zhuanhua.directory import voucher_subjects

        voucher_subjects.register()
