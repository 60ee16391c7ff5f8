from django.db import models


class OrganisationType(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    UNIVERSITY = "university", "高等院校"
    RESEARCH_INSTITUTE = "research_institute", "科研院所"
    MEDICAL_INSTITUTION = "medical_institution", "医疗卫生机构"
    NEW_RND_INSTITUTION = "new_rnd_institution", "新型研发机构"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    SERVICE_AGENCY = "service_agency", "技术转移服务机构"
    VENTURE_CAPITAL = "venture_capital", "创业投资机构"
    PARK_OR_ZONE = "park_or_zone", "园区/聚集区"
    GUARANTOR = "guarantor", "担保机构"
    INSURER = "insurer", "保险机构"
    DEPARTMENT = "department", "科技管理部门"  # the provincial department of science and technology
    SUPERVISING_DEPARTMENT = "supervising_department", "主管部门"  # 教育厅、卫生健康委、国资委 …
    PREFECTURE_BUREAU = "prefecture_bureau", "州（市）科技局"
    FINANCE_DEPARTMENT = "finance_department", "财政部门"
    CONTRACT_REGISTRAR = "contract_registrar", "技术合同登记机构"
    OTHER = "other", "其他"


# Units that own achievements and license them (科研单位 / 许可方).
RESEARCH_UNIT_TYPES = {
    OrganisationType.UNIVERSITY,
    OrganisationType.RESEARCH_INSTITUTE,
    OrganisationType.MEDICAL_INSTITUTION,
    OrganisationType.NEW_RND_INSTITUTION,
    OrganisationType.STATE_ENTERPRISE,
}


# Government bodies: they review, file and pay; none of them owns achievements.
GOVERNMENT_TYPES = {
    OrganisationType.DEPARTMENT,
    OrganisationType.SUPERVISING_DEPARTMENT,
    OrganisationType.PREFECTURE_BUREAU,
    OrganisationType.FINANCE_DEPARTMENT,
}

# Organisations that name a supervising department (主管部门): they report and file with it
# (measures 4 and 6).
SUPERVISED_TYPES = RESEARCH_UNIT_TYPES


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", "待审核"  # public sign-up, waiting for a department reviewer
    APPROVED = "approved", "已通过"  # may act on the platform
    REJECTED = "rejected", "未通过"  # sign-up refused, with a reason
