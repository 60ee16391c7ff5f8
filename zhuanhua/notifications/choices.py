from django.db import models


class NotificationKind(models.TextChoices):
    ACHIEVEMENT_REVIEW = "achievement_review", "成果审核"
    USE_FIRST_LIST = "use_first_list", "先用后转清单"
    LICENCE = "licence", "许可洽谈与履约"
    LICENCE_ALERT = "licence_alert", "付款与报告提醒"
    PUBLICITY = "publicity", "公示与异议"
    SUBSIDY = "subsidy", "奖补申请"
    EXEMPTION = "exemption", "尽职免责"
    PROJECT = "project", "科技计划项目"
    MATCH_DIGEST = "match_digest", "匹配推荐周报"
    EVENT = "event", "对接活动"
    DISCLOSURE = "disclosure", "职务成果披露与完成人意见"
    CONTRACT = "contract", "技术合同认定登记"
    FILING = "filing", "报告与备案"
    SYSTEM = "system", "平台通知"
