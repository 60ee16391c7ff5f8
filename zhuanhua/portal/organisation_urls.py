from django.urls import path

from zhuanhua.organisations import views

app_name = "organisations"
urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/<str:decision>/", views.review, name="review"),
    path("<int:pk>/", views.profile, name="profile"),
]
