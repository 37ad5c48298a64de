"""The parts of allauth this service uses, listed one by one so nothing else is reachable.

Not included: allauth's own login (it knows nothing of two-factor; its address redirects to
ours), login by code, reauthentication, passkeys and phone numbers. The names are allauth's,
because allauth reverses them.
"""

from __future__ import annotations

from allauth.account import views as allauth
from django.urls import path, re_path

from accounts import views

urlpatterns = [
    path("login/", views.allauth_login, name="account_login"),
    path("signup/", views.signup, name="account_signup"),
    path("logout/", allauth.logout, name="account_logout"),
    path("inactive/", allauth.account_inactive, name="account_inactive"),
    path("confirm-email/", views.confirm_email_code, name="account_email_verification_sent"),
    re_path(r"^confirm-email/(?P<key>[-:\w]+)/$", views.old_confirmation_link, name="account_confirm_email"),
    path("email/", allauth.email, name="account_email"),
    path("password/change/", allauth.password_change, name="account_change_password"),
    path("password/set/", allauth.password_set, name="account_set_password"),
    path("password/reset/", allauth.password_reset, name="account_reset_password"),
    path("password/reset/done/", allauth.password_reset_done, name="account_reset_password_done"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        allauth.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path("password/reset/key/done/", allauth.password_reset_from_key_done, name="account_reset_password_from_key_done"),
]
