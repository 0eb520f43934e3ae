from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path(
        "read-group/<int:standard_id>/",
        views.notification_read_group,
        name="read_group",
    ),
    # "notifications:preferences" is linked from the profile page: keep it.
    path("preferences/", views.preferences, name="preferences"),
    path("watch/standard/<int:pk>/", views.watch_standard, name="watch_standard"),
    path("unwatch/standard/<int:pk>/", views.unwatch_standard, name="unwatch_standard"),
    path("watch/field/<int:pk>/", views.watch_field, name="watch_field"),
    path("unwatch/field/<int:pk>/", views.unwatch_field, name="unwatch_field"),
]
