from django.urls import path

from zhuanhua.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_submit, name="submit"),
    path("queue/", views.registrar_queue, name="queue"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/pdf/", views.contract_pdf, name="pdf"),
    path("<int:pk>/register/", views.contract_register, name="register"),
    path("<int:pk>/return/", views.contract_return, name="return"),
    path("<int:pk>/resubmit/", views.contract_resubmit, name="resubmit"),
    path("<int:pk>/income/", views.income_record, name="income"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_file, name="plan_file"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/acknowledge/", views.plan_acknowledge, name="plan_acknowledge"),
]
