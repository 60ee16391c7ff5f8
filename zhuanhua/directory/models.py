"""The service directory and the technology-manager registry (measures 9, 10, 12, 14).

Service providers (中试验证平台, 概念验证中心, 孵化器 incl. 飞地, 技术转移机构, 服务基地) publish
offers; an enterprise requests a service; the provider accepts with the contract amount and
records delivery. Technology managers (技术经理人/经纪人) are registered with their
certificates and training; a licence can name its broker (three-party record).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhuanhua.achievements.choices import IndustryField
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.directory.choices import ManagerLevel, ProviderKind, RequestStatus, ServiceCategory


class ServiceProvider(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="service_profiles",
        verbose_name="建设/运营单位",
    )
    kind = models.CharField("类型", max_length=32, choices=ProviderKind.choices)
    name = models.CharField("名称", max_length=200)
    is_enclave = models.BooleanField("省外“飞地”孵化器", default=False)
    prefecture = models.CharField(
        "所在州（市）", max_length=6, choices=PREFECTURE_CHOICES, blank=True
    )
    location = models.CharField("地址（省外填写城市）", max_length=300, blank=True)
    introduction = models.TextField("简介")
    capacity = models.CharField("服务能力", max_length=500, blank=True)
    contact_name = models.CharField("联系人", max_length=60)
    contact_phone = models.CharField("联系电话", max_length=40)
    contact_email = models.EmailField("联系邮箱", blank=True)
    is_public = models.BooleanField("公开展示", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "科技服务机构"
        verbose_name_plural = "科技服务机构"
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "name"], name="directory_provider_name_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceOffer(models.Model):
    provider = models.ForeignKey(ServiceProvider, on_delete=models.CASCADE, related_name="offers")
    category = models.CharField("服务类别", max_length=32, choices=ServiceCategory.choices)
    title = models.CharField("服务名称", max_length=200)
    description = models.TextField("服务内容")
    price = models.CharField("收费标准", max_length=200)
    capacity = models.CharField("服务能力/周期", max_length=200, blank=True)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "服务项目"
        verbose_name_plural = "服务项目"
        ordering = ["provider", "category", "id"]

    def __str__(self) -> str:
        return self.title


class ServiceRequest(models.Model):
    """An enterprise's request for a service; the provider accepts (contract) and delivers."""

    offer = models.ForeignKey(ServiceOffer, on_delete=models.PROTECT, related_name="requests")
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="requests")
    requester = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="service_requests",
        verbose_name="委托企业",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField("需求说明")
    status = models.CharField(
        "状态", max_length=16, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    contract_amount = models.DecimalField(
        "合同金额（元）", max_digits=17, decimal_places=2, null=True, blank=True
    )
    contract_signed_on = models.DateField("合同签订日期", null=True, blank=True)
    decline_reason = models.CharField("未受理原因", max_length=500, blank=True)
    delivered_on = models.DateField("交付日期", null=True, blank=True)
    delivery_note = models.TextField("交付说明", blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "服务委托"
        verbose_name_plural = "服务委托"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["provider", "status", "delivered_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_amount__isnull=True) | Q(contract_amount__gt=0),
                name="directory_request_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.offer}"


class TrainingBase(models.Model):
    """A technology-transfer talent training base (技术转移人才培养基地)."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="training_base",
        verbose_name="依托单位",
    )
    name = models.CharField("基地名称", max_length=200)
    is_national = models.BooleanField("国家技术转移人才培养基地", default=False)
    introduction = models.TextField("简介", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "技术转移人才培养基地"
        verbose_name_plural = "技术转移人才培养基地"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    training_base = models.ForeignKey(
        TrainingBase, on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField("课程/班次", max_length=200)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    is_practical = models.BooleanField("实训/实践", default=False)
    location = models.CharField("地点", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "培训课程"
        verbose_name_plural = "培训课程"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class TechnologyManager(models.Model):
    """技术经理人/经纪人 in the public registry."""

    name = models.CharField("姓名", max_length=60)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="technology_manager_profile",
        verbose_name="平台账号",
    )
    employer = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="technology_managers",
        verbose_name="所在单位/服务机构",
    )
    level = models.CharField(
        "级别", max_length=16, choices=ManagerLevel.choices, default=ManagerLevel.JUNIOR
    )
    fields = models.JSONField("服务领域", default=list, blank=True)  # IndustryField values
    introduction = models.TextField("个人简介", blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    is_public = models.BooleanField("公开展示", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "技术经理人"
        verbose_name_plural = "技术经理人"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def field_labels(self) -> list[str]:
        labels = dict(IndustryField.choices)
        return [labels.get(value, value) for value in self.fields or []]


class Certificate(models.Model):
    manager = models.ForeignKey(
        TechnologyManager, on_delete=models.CASCADE, related_name="certificates"
    )
    name = models.CharField("证书名称", max_length=200)
    number = models.CharField("证书编号", max_length=100)
    issuer = models.CharField("发证机构", max_length=200)
    issued_on = models.DateField("发证日期")

    class Meta:
        verbose_name = "技术经理人证书"
        verbose_name_plural = "技术经理人证书"
        ordering = ["-issued_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="directory_certificate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"


class Attendance(models.Model):
    """A manager's attendance of a course: the training hours the base gave."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attendances")
    manager = models.ForeignKey(
        TechnologyManager, on_delete=models.PROTECT, related_name="attendances"
    )
    hours = models.DecimalField("计入学时", max_digits=6, decimal_places=1)
    passed = models.BooleanField("考核合格", default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["course", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "manager"], name="directory_attend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.manager} · {self.course}"


class BrokeredDeal(models.Model):
    """The broker of a licence: licensor and licensee from the licence, the agency from the
    broker's employer at the time — the three-party record behind the agency's M9-2 claim."""

    licence = models.OneToOneField(
        "licensing.Licence", on_delete=models.PROTECT, related_name="brokered_deal"
    )
    broker = models.ForeignKey(TechnologyManager, on_delete=models.PROTECT, related_name="deals")
    agency = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="brokered_deals",
        verbose_name="服务机构",
    )
    contract_amount = models.DecimalField("技术合同成交金额（元）", max_digits=17, decimal_places=2)
    is_related_party = models.BooleanField("关联技术交易", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "技术经纪成交记录"
        verbose_name_plural = "技术经纪成交记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.broker} · {self.licence_id}"
