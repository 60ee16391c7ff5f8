from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "zhuanhua.transfer"
    verbose_name = "限时转化与先用后转"

    def ready(self) -> None:
        # The achievement page shows our rights-holders panel: flag a grant in its one query.
        from zhuanhua.achievements.selectors import detail_annotation_register
        from zhuanhua.transfer.selectors import with_rights_grant_flag

        detail_annotation_register(with_rights_grant_flag)

        # A use-first-pay-later offer completes the terms of an achievement on our 先用后转 list.
        from zhuanhua.licensing.services import OFFER_PUBLISHED_HOOKS
        from zhuanhua.transfer.services import use_first_offer_published

        if use_first_offer_published not in OFFER_PUBLISHED_HOOKS:
            OFFER_PUBLISHED_HOOKS.append(use_first_offer_published)
