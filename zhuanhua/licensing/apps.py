from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "zhuanhua.licensing"
    verbose_name = "先使用后付费许可"

    def ready(self) -> None:
        # Registered licences are voucher spend subjects (vouchers never imports us).
        from zhuanhua.licensing import voucher_subjects

        voucher_subjects.register()

        # The hall's 先使用后付费 filter: our fee models and the EXISTS on active offers.
        from zhuanhua.achievements.selectors import HallOfferFilter, hall_offer_filter_register
        from zhuanhua.licensing.choices import FeeModel
        from zhuanhua.licensing.selectors import has_offer_filter

        hall_offer_filter_register(
            HallOfferFilter(choices=list(FeeModel.choices), condition=has_offer_filter)
        )
