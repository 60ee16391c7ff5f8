from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES, Role
from zhuanhua.organisations.choices import OrganisationType


class User(AbstractUser):
    """A person acting for one organisation, with one or more roles there.

    Department reviewers belong to the provincial department (province-wide: ``is_reviewer``) or
    to a supervising department, prefecture bureau or the finance department (scoped:
    ``accounts.scope``); platform admins may belong to none.
    """

    display_name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="所属机构",
    )
    roles = models.JSONField("角色", default=list, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [labels.get(role, role) for role in self.roles]

    @property
    def is_reviewer(self) -> bool:
        """The provincial department's reviewer (省科技厅) or a platform admin: province-wide.

        A department reviewer of a supervising department, prefecture bureau or the finance
        department is not: their scope is in ``accounts.scope`` (issue 24).
        """
        if not self.is_active:
            return False
        if self.has_role(Role.PLATFORM_ADMIN):
            return True
        return (
            self.has_role(Role.DEPARTMENT_REVIEWER)
            and self.organisation is not None
            and self.organisation.org_type == OrganisationType.DEPARTMENT
        )

    @property
    def is_auditor(self) -> bool:
        return self.is_active and self.has_role(Role.AUDITOR)

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser or self.has_role(Role.PLATFORM_ADMIN)

    @property
    def can_edit_achievements(self) -> bool:
        return (
            self.organisation is not None
            and self.organisation.is_approved
            and self.has_role(*ACHIEVEMENT_EDITOR_ROLES)
        )
