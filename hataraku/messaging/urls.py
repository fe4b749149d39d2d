from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("threads/<int:thread_id>/", views.thread_detail, name="thread"),
    path("threads/<int:thread_id>/read/", views.thread_read, name="thread_read"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("proposals/<int:proposal_id>/", views.proposal_thread, name="proposal_thread"),
    path("contracts/<int:contract_id>/", views.contract_thread, name="contract_thread"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
]
