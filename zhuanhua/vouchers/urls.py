from django.urls import path

from zhuanhua.vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("spend/", views.spend, name="spend"),
    path("issue/", views.issue, name="issue"),
    path("queue/", views.queue, name="queue"),
    path("spends/<int:pk>/", views.spend_detail, name="spend_detail"),
    path("spends/<int:pk>/claim/", views.claim, name="claim"),
    path("spends/<int:pk>/decide/<str:decision>/", views.decide, name="decide"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
]
