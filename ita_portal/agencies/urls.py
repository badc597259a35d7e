"""Staff shell: sign-in, home page and agency pages (included at the site root, no namespace)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from ita_portal import converters  # noqa: F401  (registers <fy:year>)
from ita_portal.agencies import views
from ita_portal.agencies.forms import ThaiAuthenticationForm, ThaiPasswordChangeForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=ThaiAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", views.ThaiLogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change_form.html", form_class=ThaiPasswordChangeForm
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("agencies/", views.agency_list, name="agency_list"),
    path("a/<int:agency_id>/<fy:year>/", views.agency_detail, name="agency_detail"),
    path("a/<int:agency_id>/emblem/", views.agency_emblem, name="agency_emblem"),
]
