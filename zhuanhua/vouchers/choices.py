from decimal import Decimal

from django.db import models


class SpendStatus(models.TextChoices):
    SPENT = "spent", "已使用（待申请兑付）"  # the enterprise paid part of a contract with vouchers
    CLAIMED = "claimed", "待审核兑付"  # the provider claimed redemption with its documents
    REDEEMED = "redeemed", "已兑付"  # a reviewer approved: the province pays the provider
    REJECTED = (
        "rejected",
        "已驳回（额度退回）",
    )  # a reviewer refused the claim: the quota is returned


# Spends that count against the enterprise's quota.
COUNTED_STATES = (SpendStatus.SPENT, SpendStatus.CLAIMED, SpendStatus.REDEEMED)

TRANSITIONS: dict[tuple[str, str], str] = {
    (SpendStatus.SPENT, "claim"): SpendStatus.CLAIMED,
    (SpendStatus.CLAIMED, "approve"): SpendStatus.REDEEMED,
    (SpendStatus.CLAIMED, "reject"): SpendStatus.REJECTED,
}


class DocumentKind(models.TextChoices):
    CONTRACT = "contract", "服务合同"
    INVOICE = "invoice", "发票"
    PAYMENT_PROOF = "payment_proof", "付款凭证"


# 措施十四: 年度创新券兑付财政补助资金不高于单项科技服务合同金额的 50%；科技型企业年度创新券
# 综合运用……额度不超过 80 万元. Both are read from the policy catalogue (M14-1) when it has them.
VOUCHER_CATALOGUE_CODE = "M14-1"
DEFAULT_ANNUAL_QUOTA_AMOUNT = Decimal("800000.00")
DEFAULT_CONTRACT_RATE = Decimal("0.50")
