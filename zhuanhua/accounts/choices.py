from django.db import models


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "机构管理员"  # manages the organisation's profile and people
    ACHIEVEMENT_MANAGER = "achievement_manager", "成果管理员"  # edits and submits achievements
    TECHNOLOGY_MANAGER = "technology_manager", "技术经理人"  # brokers deals
    RESEARCHER = "researcher", "科研人员"  # completer; applies for rights grants
    LICENSEE_STAFF = "licensee_staff", "被许可方经办人"  # enterprise staff handling licences
    DEPARTMENT_REVIEWER = (
        "department_reviewer",
        "主管部门审核员",
    )  # reviews sign-ups, publications, subsidies
    CONTRACT_REGISTRAR = "contract_registrar", "技术合同登记员"  # 认定登记 at a registrar
    AUDITOR = "auditor", "只读审计员"  # reads everything, writes nothing
    PLATFORM_ADMIN = "platform_admin", "平台管理员"  # runs the platform


# Roles that may write the organisation's achievements.
ACHIEVEMENT_EDITOR_ROLES = {Role.ORG_ADMIN, Role.ACHIEVEMENT_MANAGER}
