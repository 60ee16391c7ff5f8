from django.urls import path

from zhuanhua.subsidies import views

app_name = "subsidies"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("whatif/", views.whatif, name="whatif"),
    path("apply/<str:code>/", views.apply, name="apply"),
    path("apply/<str:code>/preview/", views.preview, name="preview"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("applications/<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("budget/", views.budget, name="budget"),
    path("settlements/", views.settlements, name="settlements"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement"),
    path("settlements/<int:pk>/disbursement.xlsx", views.disbursement, name="disbursement"),
    path("settlements/<int:pk>/paid/", views.mark_paid, name="mark_paid"),
    path("settlements/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("investments/", views.investments, name="investments"),
    path("local/", views.local_measures, name="local_measures"),
    path("local/form/", views.local_measure_form, name="local_measure_form"),
    path("local/residents/", views.park_residents, name="park_residents"),
]
