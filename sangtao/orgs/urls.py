from django.urls import path

from sangtao.orgs import views

app_name = "orgs"

urlpatterns = [
    path("manage/units/", views.unit_list, name="units"),
    path("manage/units/new/", views.unit_edit, name="unit_create"),
    path("manage/units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("manage/users/", views.user_list, name="users"),
    path("manage/users/new/", views.user_edit, name="user_create"),
    path("manage/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("manage/users/<int:pk>/memberships/", views.membership_add, name="membership_add"),
    path("manage/users/<int:pk>/memberships/<int:membership_id>/delete/", views.membership_remove, name="membership_remove"),
    path("solvers/register/", views.solver_register, name="solver_register"),
    path("solvers/<int:pk>/", views.solver_detail, name="solver"),
    path("solvers/<int:pk>/invite/", views.solver_invite, name="solver_invite"),
    path("solvers/<int:pk>/verify/", views.solver_verify, name="solver_verify"),
    path("manage/solvers/", views.solver_list, name="solvers"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
]
