from __future__ import annotations

from django.conf import settings
from django.db import models

from zhuanhua.core.prefectures import PREFECTURE_CHOICES, prefecture_name
from zhuanhua.organisations.choices import RESEARCH_UNIT_TYPES, OrganisationStatus, OrganisationType


class Organisation(models.Model):
    """A legal person on the platform: research unit, enterprise, agency, financier or department.

    Identified by its USCC; its prefecture places it on the province's map.
    """

    name = models.CharField("机构名称", max_length=200)
    org_type = models.CharField("机构类型", max_length=32, choices=OrganisationType.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    prefecture = models.CharField("所在州（市）", max_length=6, choices=PREFECTURE_CHOICES)
    address = models.CharField("地址", max_length=300, blank=True)
    contact_name = models.CharField("联系人", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    introduction = models.TextField("机构简介", blank=True)
    is_sme = models.BooleanField("中小微企业", default=False)
    is_tech_enterprise = models.BooleanField("科技型企业", default=False)
    is_national_transfer_agency = models.BooleanField("国家级技术转移机构", default=False)
    supervisor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised",
        limit_choices_to={"org_type": OrganisationType.SUPERVISING_DEPARTMENT},
        verbose_name="主管部门",
        help_text="研究单位、国有企业向其主管部门报告、备案（第四条、第六条）",
    )
    status = models.CharField(
        "审核状态",
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
    )
    review_reason = models.CharField("审核意见", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["name"]
        indexes = [models.Index(fields=["org_type", "prefecture"])]

    def __str__(self) -> str:
        return self.name

    @property
    def prefecture_name(self) -> str:
        return prefecture_name(self.prefecture)

    @property
    def is_research_unit(self) -> bool:
        return self.org_type in RESEARCH_UNIT_TYPES

    @property
    def is_approved(self) -> bool:
        return self.status == OrganisationStatus.APPROVED
