from django.urls import path

from zhuanhua.credit import referral_views, views

app_name = "credit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_record, name="record"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/appeal/", views.appeal_decide, name="appeal"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("referrals/", referral_views.referral_list, name="referrals"),
    path("referrals/<int:pk>/", referral_views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/record/", referral_views.referral_record, name="referral_record"),
    path("referrals/<int:pk>/dismiss/", referral_views.referral_dismiss, name="referral_dismiss"),
]
