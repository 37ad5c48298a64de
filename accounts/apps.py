from __future__ import annotations

from typing import Any

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

        from allauth.account.signals import password_reset

        password_reset.connect(_lift_lock_outs, dispatch_uid="accounts.lift_lock_outs")


def _lift_lock_outs(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from accounts import services

    services.after_password_reset(user=user)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django admin, open only to staff who signed in with two-factor."""

    default = False
    default_site = "accounts.admin_site.StaffAdminSite"
