from django.db import models


class RulesKind(models.TextChoices):
    TRANSFER_RULES = "transfer_rules", "科技成果转化制度"  # guide art. 5
    EXEMPTION_RULES = "exemption_rules", "尽职免责制度"  # guide art. 11


class PersonRole(models.TextChoices):
    LEADER = "leader", "领导人员"  # art. 7
    MANAGER = "manager", "管理人员"  # art. 8
    RESEARCHER = "researcher", "科研人员"  # art. 9


class ActivityKind(models.TextChoices):
    DEAL = "deal", "转让（交易）"
    LICENCE = "licence", "许可"
    EQUITY = "equity", "作价投资（股权）"
    DISPOSAL = "disposal", "处置（清算、核销）"


class RecordKind(models.TextChoices):
    EVIDENCE = "evidence", "证据材料"
    HEARING = "hearing", "听证（谈话）记录"
    STATEMENT = "statement", "当事方陈述"


class Decision(models.TextChoices):
    EXEMPT = "exempt", "予以免责"
    NOT_EXEMPT = "not_exempt", "不予免责"


class Stance(models.TextChoices):
    AGREE = "agree", "同意"
    OPPOSE = "oppose", "明确反对"
    ABSTAIN = "abstain", "弃权/保留意见"


class ReviewResult(models.TextChoices):
    UPHELD = "upheld", "维持原认定结论"
    CHANGED = "changed", "变更认定结论"


class CaseStatus(models.TextChoices):
    INVESTIGATION = "investigation", "调查中"  # art. 12: evidence, hearings, statements, checklists
    CONCLUDED = "concluded", "已形成认定结论"  # every person decided by the unit
    PUBLICITY = "publicity", "内部公示中"  # art. 13: an exemption_conclusion notice is open
    OBJECTIONS = "objections", "异议复核中"  # objections filed, some not yet reviewed
    REVIEWED = "reviewed", "复核完毕"  # every objection reviewed and answered
    DECIDED = "decided", "已作出最终决定"  # final decision; the dossier can be exported
    CLOSED = "closed", "已办结"  # art. 14 effects recorded; read-only


# Allowed moves: (from, action) -> possible targets. No step can be skipped: a final decision
# needs a publicity (and, when objections were filed, their review); a review needs an objection.
TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (CaseStatus.INVESTIGATION, "conclude"): {CaseStatus.CONCLUDED},
    (CaseStatus.CONCLUDED, "publicise"): {CaseStatus.PUBLICITY},
    (CaseStatus.PUBLICITY, "review"): {CaseStatus.OBJECTIONS, CaseStatus.REVIEWED},
    (CaseStatus.OBJECTIONS, "review"): {CaseStatus.OBJECTIONS, CaseStatus.REVIEWED},
    (CaseStatus.REVIEWED, "review"): {CaseStatus.OBJECTIONS, CaseStatus.REVIEWED},  # late objection
    (CaseStatus.PUBLICITY, "decide"): {CaseStatus.DECIDED},  # only when no objection was filed
    (CaseStatus.REVIEWED, "decide"): {CaseStatus.DECIDED},
    (CaseStatus.DECIDED, "record_effects"): {CaseStatus.CLOSED},
}

# The steps as the case page draws them.
STEPS: list[tuple[str, str]] = [
    (CaseStatus.INVESTIGATION, "调查"),
    (CaseStatus.CONCLUDED, "认定结论"),
    (CaseStatus.PUBLICITY, "内部公示"),
    (CaseStatus.OBJECTIONS, "异议"),
    (CaseStatus.REVIEWED, "复核"),
    (CaseStatus.DECIDED, "最终决定"),
    (CaseStatus.CLOSED, "结果运用"),
]

# Internal publicity (art. 13) names no period; the default is 5 working days.
DEFAULT_PUBLICITY_DAYS = 5
DEFAULT_PUBLICITY_UNIT = "working"
