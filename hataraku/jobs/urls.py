from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("mine/", views.client_jobs, name="client_jobs"),
    path("new/", views.job_create, name="create"),
    path("invite/", views.invite, name="invite"),
    path("proposals/", views.my_proposals, name="my_proposals"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/edit/", views.job_edit, name="edit"),
    path("<int:job_id>/status/", views.job_status, name="status"),
    path("<int:job_id>/proposals/", views.job_proposals, name="job_proposals"),
    path("<int:job_id>/propose/", views.propose, name="propose"),
    path("<int:job_id>/propose/take-home/", views.propose_preview, name="propose_preview"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:proposal_id>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:proposal_id>/shortlist/", views.proposal_shortlist, name="proposal_shortlist"),
    path("proposals/<int:proposal_id>/decline/", views.proposal_decline, name="proposal_decline"),
    path("proposals/<int:proposal_id>/offer/", views.proposal_offer, name="proposal_offer"),
]
