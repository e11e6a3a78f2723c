from django.urls import path

from sangtao.challenges import opendata, views

app_name = "challenges"

urlpatterns = [
    path("challenges/", views.challenge_list, name="list"),
    path("challenges/feed.atom", opendata.ChallengeFeed(), name="feed"),
    path("challenges/new/", views.challenge_create, name="create"),
    path("challenges/mine/", views.my_challenges, name="mine"),
    path("challenges/<int:pk>/", views.challenge_detail, name="detail"),
    path("challenges/<int:pk>/edit/", views.challenge_edit, name="edit"),
    path("challenges/<int:pk>/move/<slug:move>/", views.challenge_move, name="move"),
    path("challenges/<int:pk>/history/", views.challenge_history, name="history"),
    path("challenges/<int:pk>/versions/<int:old>/<int:new>/", views.version_diff, name="diff"),
    path("challenges/<int:pk>/comments/", views.comment_add, name="comment"),
    path("challenges/<int:pk>/attachments/", views.attachment_upload, name="attach"),
    path("challenges/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("challenges/<int:pk>/attachments/<int:attachment_id>/delete/", views.attachment_delete, name="attachment_delete"),
    path("challenges/<int:pk>/questions/", views.question_ask, name="ask"),
    path("challenges/<int:pk>/clarifications/", views.clarification_post, name="clarify"),
    path("challenges/<int:pk>/questions/<int:question_id>/moderate/", views.question_moderate, name="moderate"),
    path("challenges/<int:pk>/questions/<int:question_id>/answer/", views.question_answer, name="answer"),
    path("follow/<slug:kind>/<int:pk>/", views.follow_toggle, name="follow"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("manage/fields/", views.field_list, name="fields"),
    path("manage/fields/new/", views.field_edit, name="field_create"),
    path("manage/fields/<int:pk>/", views.field_edit, name="field_edit"),
    path("open-data/", opendata.open_data_page, name="open_data"),
    path("open-data/challenges.csv", opendata.open_data_csv, name="open_data_csv"),
    path("open-data/challenges.json", opendata.open_data_json, name="open_data_json"),
]
