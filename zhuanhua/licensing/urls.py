from django.urls import path

from zhuanhua.licensing import deal_views, risk_views, termination_views, terms_views, views
from zhuanhua.licensing.registration_views import registration_submit

app_name = "licensing"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/inquire/", views.inquiry_open, name="inquiry_open"),
    path("achievements/<int:achievement_pk>/offer/", terms_views.offer_edit, name="offer_edit"),
    path("inquiries/<int:pk>/", terms_views.inquiry_detail, name="inquiry_detail"),
    path("inquiries/<int:pk>/messages/", terms_views.message_post, name="message_post"),
    path("inquiries/<int:pk>/versions/", terms_views.version_propose, name="version_propose"),
    path("inquiries/<int:pk>/withdraw/", views.inquiry_withdraw, name="inquiry_withdraw"),
    path(
        "inquiries/<int:pk>/versions/<int:number>/accept/",
        views.version_accept,
        name="version_accept",
    ),
    path("terms/preview/", terms_views.terms_preview, name="terms_preview"),
    path("licences/<int:pk>/", views.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/revenue-reports/", views.revenue_report, name="revenue_report"),
    path("licences/<int:pk>/revenue-reports/import/", views.revenue_import, name="revenue_import"),
    path(
        "licences/<int:pk>/revenue-reports/template.xlsx",
        views.revenue_template,
        name="revenue_template",
    ),
    path("licences/<int:pk>/payments/", views.payment, name="payment"),
    path("licences/<int:pk>/payments/import/", views.payment_import, name="payment_import"),
    path(
        "licences/<int:pk>/payments/template.xlsx", views.payment_template, name="payment_template"
    ),
    path("licences/<int:pk>/milestones/", views.milestone, name="milestone"),
    path("licences/<int:pk>/activate/", views.activate, name="activate"),
    path("licences/<int:pk>/contract.pdf", views.contract_pdf, name="contract_pdf"),
    path("licences/<int:pk>/pricing/", views.pricing, name="pricing"),
    path("licences/<int:pk>/signed.pdf", views.signed_pdf, name="signed_pdf"),
    path("licences/<int:pk>/registration/", views.registration, name="registration"),
    path("licences/<int:pk>/distributions/", views.distribution, name="distribution"),
    path("covers/", views.covers, name="covers"),
    path("claims/<int:pk>/handle/", views.claim_handle, name="claim_handle"),
    path("claims/<int:pk>/decide/", risk_views.claim_decide, name="claim_decide"),
    path("licences/<int:pk>/claims/", risk_views.claim_open, name="claim_open"),
    path("licences/<int:pk>/credit-referral/", risk_views.credit_refer, name="credit_refer"),
]

# Ending early, corrections and reversals (issue 20.2-3).
urlpatterns += [
    path("licences/<int:pk>/cure-notices/", termination_views.cure_notice, name="cure_notice"),
    path(
        "licences/<int:pk>/cure-notices/<int:notice_pk>/close/",
        termination_views.cure_notice_close,
        name="cure_notice_close",
    ),
    path("licences/<int:pk>/terminate/", termination_views.terminate, name="terminate"),
    path(
        "licences/<int:pk>/termination-proposals/",
        termination_views.termination_propose,
        name="termination_propose",
    ),
    path(
        "licences/<int:pk>/termination-proposals/<int:proposal_pk>/<str:action>/",
        termination_views.termination_answer,
        name="termination_answer",
    ),
    path(
        "licences/<int:pk>/revenue-reports/correct/",
        termination_views.report_correct,
        name="report_correct",
    ),
    path(
        "licences/<int:pk>/payments/<int:payment_pk>/reverse/",
        termination_views.payment_reverse,
        name="payment_reverse",
    ),
]

# Assignment and equity deals (issue 23.3): the equity's shares and evaluation report.
urlpatterns += [
    path("licences/<int:pk>/shares/", deal_views.share_register, name="share_register"),
    path(
        "offers/<int:pk>/evaluation-report.pdf",
        deal_views.evaluation_report,
        name="evaluation_report",
    ),
]

# 认定登记 through a technology contract registrar (contracts app).
urlpatterns += [
    path(
        "licences/<int:pk>/registration/submit/",
        registration_submit,
        name="registration_submit",
    ),
]
