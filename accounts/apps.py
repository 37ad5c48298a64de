from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import registry, services

        registry.register_export("account", services.export_account)
        registry.register_erasure("account", services.erase_account_traces)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django admin, open only to staff who signed in with two-factor."""

    default = False
    default_site = "accounts.admin_site.StaffAdminSite"
