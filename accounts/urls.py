from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("start/", views.start, name="start"),
    path("under-16/", views.under_16, name="under-16"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/set-up/<str:token>/", views.two_factor_setup_link, name="two-factor-setup-link"),
    path("backup-codes/", views.backup_codes_new, name="backup-codes-new"),
    path("", views.home, name="home"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/role/", views.change_role, name="change-role"),
    path("settings/backup-codes/", views.new_backup_codes, name="new-backup-codes"),
    path("settings/authenticator/", views.replace_authenticator, name="replace-authenticator"),
    path("settings/authenticator/remove/", views.remove_authenticator, name="authenticator-remove"),
    path("settings/passkeys/add/", views.add_passkey, name="passkey-add"),
    path("settings/passkeys/<int:pk>/remove/", views.remove_passkey, name="passkey-remove"),
    path("settings/download/", views.download_data, name="download-data"),
    path("settings/delete/", views.delete_account, name="delete-account"),
    path("deleted/", views.deleted, name="deleted"),
    path("staff/reset-sign-in/", views.staff_reset_second_factor, name="staff-reset-second-factor"),
]
