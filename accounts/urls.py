from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("profile/", views.profile, name="profile"),
    path("connections/", views.connection_list, name="connection_list"),
    path("connections/add/", views.connection_add, name="connection_add"),
    path("connections/add-csv/", views.connection_add_csv, name="connection_add_csv"),
    path("connections/<int:connection_id>/", views.connection_detail, name="connection_detail"),
    path("connections/<int:connection_id>/edit/", views.connection_edit, name="connection_edit"),
    path(
        "connections/<int:connection_id>/delete/",
        views.connection_delete,
        name="connection_delete",
    ),
]
