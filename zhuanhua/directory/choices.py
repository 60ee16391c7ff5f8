"""Choices of the directory app: service providers, their offers and requests; technology
managers and training (measures 9, 10, 12, 14)."""

from django.db import models


class ProviderKind(models.TextChoices):
    PILOT_PLATFORM = "pilot_platform", "中试验证平台"
    PROOF_OF_CONCEPT_CENTER = "proof_of_concept_center", "概念验证中心"
    INCUBATOR = "incubator", "科技企业孵化器"
    TRANSFER_AGENCY = "transfer_agency", "技术转移服务机构"
    SERVICE_BASE = "service_base", "成果转化综合服务基地"


class ServiceCategory(models.TextChoices):
    RND = "rnd", "技术研发"
    TESTING = "testing", "检验检测"
    IP = "ip", "知识产权服务"
    PILOT_RUN = "pilot_run", "中试熟化"
    CONCEPT_VERIFICATION = "concept_verification", "概念验证"
    INCUBATION = "incubation", "孵化服务"
    BROKERAGE = "brokerage", "技术转移/经纪"
    OTHER = "other", "其他科技服务"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "待受理"
    ACCEPTED = "accepted", "已受理（合同已签）"
    DECLINED = "declined", "未受理"
    DELIVERED = "delivered", "已交付"
    CANCELLED = "cancelled", "已撤回"


# Allowed moves of a service request: (from, action) -> to.
REQUEST_TRANSITIONS: dict[tuple[str, str], str] = {
    (RequestStatus.REQUESTED, "accept"): RequestStatus.ACCEPTED,
    (RequestStatus.REQUESTED, "decline"): RequestStatus.DECLINED,
    (RequestStatus.REQUESTED, "cancel"): RequestStatus.CANCELLED,
    (RequestStatus.ACCEPTED, "deliver"): RequestStatus.DELIVERED,
}


class ManagerLevel(models.TextChoices):
    JUNIOR = "junior", "初级"
    INTERMEDIATE = "intermediate", "中级"
    SENIOR = "senior", "高级"
