from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "zhuanhua.licensing"
    verbose_name = "先使用后付费许可"

    def ready(self) -> None:
        # Registered licences are voucher spend subjects (vouchers never imports us).
        from zhuanhua.licensing import voucher_subjects

        voucher_subjects.register()
