from django.urls import path

from zhuanhua.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.department, name="department"),
    path("public/", views.public, name="public"),
    path("public/<str:key>/table/", views.public_table, name="public_table"),
    path("public/<str:key>.xlsx", views.public_xlsx, name="public_xlsx"),
    path("mine/", views.mine, name="mine"),
    path("mine/<str:key>/table/", views.mine_table, name="mine_table"),
    path("mine/<str:key>.xlsx", views.mine_xlsx, name="mine_xlsx"),
    path("yunnan.geojson", views.yunnan_geojson, name="geojson"),
    path("report/<int:year>.pdf", views.annual_report, name="annual_report"),
    path("report/<int:year>/queue/", views.annual_report_queue, name="annual_report_queue"),
    path("<str:key>/table/", views.chart_table, name="table"),
    path("<str:key>.xlsx", views.chart_xlsx, name="xlsx"),
]
