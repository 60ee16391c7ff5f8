from django.urls import path

from zhuanhua.organisations import views
from zhuanhua.portal.views import organisation_profile

# The organisations pages, with the public profile that lists the unit's achievements (a
# composition, so its view lives in portal); the namespace and names are unchanged.
app_name = "organisations"
urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/<str:decision>/", views.review, name="review"),
    path("<int:pk>/", organisation_profile, name="profile"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("supervisor-changes/", views.supervisor_changes, name="supervisor_changes"),
    path(
        "supervisor-changes/<int:pk>/<str:decision>/",
        views.supervisor_change_decide,
        name="supervisor_change_decide",
    ),
]
