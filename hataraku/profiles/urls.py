from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("", views.profile_edit, name="edit"),
    path("conditions/", views.conditions, name="conditions"),
    path("conditions/preferences/", views.preferences, name="preferences"),
    path("conditions/preferences/visibility/", views.availability_visibility, name="availability_visibility"),
    path("conditions/exceptions/", views.exceptions, name="exceptions"),
    path("conditions/exceptions/<int:pk>/delete/", views.exception_delete, name="exception_delete"),
    path("sensitive/", views.sensitive, name="sensitive"),
    path("sensitive/withdraw/", views.sensitive_withdraw, name="sensitive_withdraw"),
    path("start/skip/", views.onboarding_skip, name="onboarding_skip"),
    path("start/resume/", views.onboarding_resume, name="onboarding_resume"),
    path("w/<int:user_id>/", views.public_profile, name="public"),
    path("clients/", views.client_blocks, name="client_blocks"),
    path("clients/block/", views.client_block, name="client_block"),
    path("clients/<int:block_id>/undo/", views.client_block_undo, name="client_block_undo"),
    path("staff/w/<int:user_id>/sensitive/", views.staff_sensitive, name="staff_sensitive"),
]
