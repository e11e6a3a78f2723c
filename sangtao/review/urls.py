from django.urls import path

from sangtao.review import views

app_name = "review"

urlpatterns = [
    path("experts/", views.expert_list, name="experts"),
    path("experts/new/", views.expert_edit, name="expert_create"),
    path("experts/me/", views.my_expert_profile, name="my_profile"),
    path("experts/<int:pk>/", views.expert_edit, name="expert"),
    path("experts/<int:pk>/relationships/", views.relationship_add, name="relationship_add"),
    path("experts/<int:pk>/relationships/<int:relationship_id>/remove/", views.relationship_remove,
         name="relationship_remove"),
    path("councils/", views.council_list, name="councils"),
    path("councils/new/", views.council_edit, name="council_create"),
    path("councils/<int:pk>/", views.council_detail, name="council"),
    path("councils/<int:pk>/edit/", views.council_edit, name="council_edit"),
    path("councils/<int:pk>/members/", views.member_add, name="member_add"),
    path("councils/<int:pk>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("councils/<int:pk>/assign-all/", views.assign_all, name="assign_all"),
    path("councils/<int:pk>/runs/", views.run_start, name="run_start"),
    path("councils/<int:pk>/runs/<int:run_id>/", views.run_detail, name="run"),
    path("councils/<int:pk>/pairs/", views.pair_edit, name="pair_edit"),
    path("councils/<int:pk>/assignments/<int:assignment_id>/remove/", views.assignment_remove,
         name="assignment_remove"),
    path("councils/<int:pk>/release/", views.release, name="release"),
    path("councils/<int:pk>/results/", views.results, name="results"),
    path("councils/<int:pk>/minutes.pdf", views.minutes, name="minutes"),
    path("councils/<int:pk>/scores.xlsx", views.scores_export, name="scores_export"),
    path("councils/<int:pk>/sheets/<int:sheet_id>/reopen/", views.reopen, name="reopen"),
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/<int:assignment_id>/declare/", views.declare, name="declare"),
    path("reviews/<int:assignment_id>/score/", views.score, name="score"),
    path("challenges/<int:challenge_pk>/decision/", views.decide, name="decide"),
    path("proposals/<int:proposal_pk>/complaint/", views.complain, name="complain"),
    path("complaints/", views.complaints, name="complaints"),
]
