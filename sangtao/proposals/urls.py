from django.urls import path

from sangtao.proposals import views

app_name = "proposals"

urlpatterns = [
    path("challenges/<int:challenge_pk>/apply/", views.proposal_start, name="start"),
    path("challenges/<int:challenge_pk>/applications/", views.challenge_applications, name="applications"),
    path("proposals/mine/", views.my_proposals, name="mine"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="submit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("proposals/<int:pk>/team/<int:position>/notice/", views.team_notice_resend, name="team_notice"),
    path("proposals/<int:pk>/versions/<int:number>/", views.proposal_version, name="version"),
    path("proposals/<int:pk>/screen/", views.proposal_screen, name="screen"),
    path("proposals/<int:pk>/attachments/", views.attachment_upload, name="attach"),
    path("proposals/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("proposals/<int:pk>/attachments/<int:attachment_id>/remove/", views.attachment_remove,
         name="attachment_remove"),
]
