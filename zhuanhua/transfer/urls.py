from django.urls import path

from zhuanhua.transfer import views

app_name = "transfer"
urlpatterns = [
    path("use-first/", views.use_first, name="use_first"),
    path("mine/", views.mine, name="mine"),
]
