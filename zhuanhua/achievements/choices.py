from django.db import models


class IpType(models.TextChoices):
    PATENT = "patent", "专利权"
    PATENT_APPLICATION = "patent_application", "专利申请权"
    SOFTWARE_COPYRIGHT = "software_copyright", "计算机软件著作权"
    IC_LAYOUT = "ic_layout", "集成电路布图设计专有权"
    PLANT_VARIETY = "plant_variety", "植物新品种权"
    DRUG_MARKETING_AUTHORIZATION = "drug_marketing_authorization", "药品上市许可"
    CLINICAL_APPROVAL = "clinical_approval", "临床许可"
    KNOW_HOW = "know_how", "非专利技术/技术秘密"


# The identifying number each ip_type carries, as the form labels it.
IP_NUMBER_LABELS: dict[str, str] = {
    IpType.PATENT: "专利号",
    IpType.PATENT_APPLICATION: "专利申请号",
    IpType.SOFTWARE_COPYRIGHT: "软件著作权登记号",
    IpType.IC_LAYOUT: "布图设计登记号",
    IpType.PLANT_VARIETY: "品种权号",
    IpType.DRUG_MARKETING_AUTHORIZATION: "药品批准文号",
    IpType.CLINICAL_APPROVAL: "临床试验批准通知书编号",
    IpType.KNOW_HOW: "内部登记编号",
}
# Know-how has no public register; every other type must carry its number.
IP_NUMBER_OPTIONAL = {IpType.KNOW_HOW}


class IndustryField(models.TextChoices):
    ELECTRONIC_INFORMATION = "electronic_information", "电子信息"
    ADVANCED_MANUFACTURING = "advanced_manufacturing", "先进制造与自动化"
    NEW_MATERIALS = "new_materials", "新材料"
    BIOMEDICINE = "biomedicine", "生物医药与健康"
    MODERN_AGRICULTURE = "modern_agriculture", "现代农业"
    NEW_ENERGY = "new_energy", "新能源与节能"
    RESOURCES_ENVIRONMENT = "resources_environment", "资源与环境"
    FOOD = "food", "食品与轻工"
    CONSTRUCTION = "construction", "建筑与交通"
    SOCIAL_DEVELOPMENT = "social_development", "社会发展与管理"
    OTHER = "other", "其他"


class TransferStatus(models.TextChoices):
    UNTRANSFERRED = "untransferred", "未转化"
    SELF_IMPLEMENTED = "self_implemented", "自行实施"
    TRANSFERRED = "transferred", "已转让"
    LICENSED = "licensed", "已许可"
    EQUITY_CONTRIBUTED = "equity_contributed", "作价入股"


class AchievementStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # only the owning unit sees it; a returned submission comes back here
    SUBMITTED = "submitted", "待审核"  # waiting for a department reviewer
    PUBLISHED = "published", "已发布"  # public in the hall
    DELISTED = "delisted", "已下架"  # withdrawn from the hall; the unit may resubmit


# Allowed lifecycle moves: (from, action) -> to.
TRANSITIONS: dict[tuple[str, str], str] = {
    (AchievementStatus.DRAFT, "submit"): AchievementStatus.SUBMITTED,
    (AchievementStatus.SUBMITTED, "publish"): AchievementStatus.PUBLISHED,
    (AchievementStatus.SUBMITTED, "return"): AchievementStatus.DRAFT,
    (AchievementStatus.PUBLISHED, "delist"): AchievementStatus.DELISTED,
    (AchievementStatus.DELISTED, "submit"): AchievementStatus.SUBMITTED,
}


class ConsentPurpose(models.TextChoices):
    USE_FIRST_LICENCE = "use_first_licence", "先使用后付费许可"  # before an offer is published
    ASSIGNMENT = "assignment", "转让"  # before an assignment is listed
    EQUITY = "equity", "作价投资"  # before an equity contribution is listed
    TRANSFER = "transfer", "其他转化方式"  # any other transfer the unit starts


class ConsentAnswer(models.TextChoices):
    PENDING = "pending", "未答复"  # asked, no answer yet
    AGREE = "agree", "同意"
    OBJECT = "object", "反对"  # with a reason; the unit may still proceed with its own reason
