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


class SupervisorChange(models.Model):
    """A unit asks to name a different supervising department (主管部门). The provincial
    department reviews it; only an approved change moves ``Organisation.supervisor`` (issue 24)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已同意"
        REJECTED = "rejected", "未同意"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="supervisor_changes",
        verbose_name="申请单位",
    )
    previous = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="原主管部门",
    )
    requested = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"org_type": OrganisationType.SUPERVISING_DEPARTMENT},
        verbose_name="拟变更为",
    )
    reason = models.CharField("变更理由", max_length=500)
    status = models.CharField(
        "审核状态", max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="申请人",
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=500, blank=True)

    class Meta:
        verbose_name = "主管部门变更"
        verbose_name_plural = "主管部门变更"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="pending"),
                name="organisation_one_pending_supervisor_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}：{self.previous or '—'} → {self.requested or '—'}"
