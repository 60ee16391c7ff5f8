from django.urls import path

from zhuanhua.transfer import views

app_name = "transfer"
urlpatterns = [
    path("use-first/", views.use_first, name="use_first"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:achievement_id>/terms-completed/", views.terms_complete, name="terms_complete"),
    # 转化清单
    path("reports/", views.reports, name="reports"),
    path("reports/overview/", views.report_overview, name="report_overview"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/regenerate/", views.report_regenerate, name="report_regenerate"),
    path("reports/<int:pk>/receive/", views.report_receive, name="report_receive"),
    path("reports/<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    # 赋权
    path("achievements/<int:achievement_id>/holders/", views.holders, name="holders"),
    path(
        "achievements/<int:achievement_id>/rights-grant/apply/",
        views.grant_apply,
        name="grant_apply",
    ),
    path("rights-grants/", views.grants, name="grants"),
    path("rights-grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    # 单列管理 / 台账
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger_export"),
    path("ledger/pilots/", views.pilots, name="pilots"),
    path("ledger/<int:pk>/", views.ledger_entry, name="ledger_entry"),
    path("ledger/contributions/<int:pk>/decisions/", views.equity_decision, name="equity_decision"),
    path("ledger/decisions/<int:pk>/document/", views.equity_document, name="equity_document"),
]
