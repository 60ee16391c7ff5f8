"""Daily job of the credit app: record the expiry of credit events past their end date.

Register as ``"zhuanhua.credit.jobs.credit_expire_due"`` in ``ZHUANHUA_DAILY_JOBS``. Optional:
visibility and `credit_active_for` already go by the dates. No job ever creates a credit event.
"""

from zhuanhua.credit.services import credit_expire_due

__all__ = ["credit_expire_due"]
