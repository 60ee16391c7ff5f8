from django.urls import path

from zhuanhua.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/offers/", views.offer_create, name="offer_create"),
    path("providers/<int:pk>/revenue/", views.provider_revenue, name="provider_revenue"),
    path("offers/<int:pk>/request/", views.request_create, name="request_create"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("revenue/", views.revenue, name="revenue"),
    path("managers/", views.manager_list, name="manager_list"),
    path("managers/new/", views.manager_create, name="manager_create"),
    path("managers/<int:pk>/", views.manager_detail, name="manager_detail"),
    path("managers/<int:pk>/certificates/", views.certificate_add, name="certificate_add"),
    path("training-bases/", views.base_list, name="base_list"),
    path("training-bases/<int:pk>/", views.base_detail, name="base_detail"),
    path("training-bases/<int:pk>/courses/", views.course_create, name="course_create"),
    path(
        "training-bases/<int:pk>/courses/<int:course_pk>/attendance/",
        views.attendance_record,
        name="attendance_record",
    ),
    path("licences/<int:licence_pk>/broker/", views.deal_create, name="deal_create"),
    path("agencies/<int:org_pk>/brokerage/", views.agency_brokerage, name="agency_brokerage"),
]
