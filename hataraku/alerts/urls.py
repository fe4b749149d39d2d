from django.urls import path

from . import views

app_name = "alerts"

# Mounted at the root: saved searches and bookmarks live under /jobs/ (part of finding work), the alert
# e-mails' unsubscribe addresses under /alerts/ (they need no log-in).
urlpatterns = [
    path("jobs/saved-searches/", views.saved_searches, name="saved_searches"),
    path("jobs/saved-searches/new/", views.saved_search_new, name="saved_search_new"),
    path("jobs/saved-searches/<int:saved_search_id>/", views.saved_search, name="saved_search"),
    path(
        "jobs/saved-searches/<int:saved_search_id>/delete/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
    path("jobs/bookmarks/", views.bookmarks, name="bookmarks"),
    path("jobs/<int:job_id>/bookmark/", views.bookmark, name="bookmark"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "alerts/unsubscribe/<str:token>/one-click/", views.unsubscribe_one_click, name="unsubscribe_one_click"
    ),
]
