from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from claims.forms import SignInForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("desk/", include("claims.urls.desk")),
    path("api/v1/", include("claims.api.urls")),
    path("", include("claims.urls.public")),
]
handler500 = "claims.views.errors.server_error"
handler403 = "claims.views.errors.permission_denied"
