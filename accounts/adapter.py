from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse

from accounts import emails, services
from mysupportspace.client_address import client_address


class AccountAdapter(DefaultAccountAdapter):
    """allauth, fitted to this service: neutral emails, a role on every new user, and no sign-in."""

    def save_user(self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True) -> Any:
        # The role goes in with the first save, so there is never a user without one.
        user.role = form.cleaned_data["role"]
        return super().save_user(request, user, form, commit=commit)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        to = email if isinstance(email, str) else email[0]
        return emails.build_for_allauth(template_prefix, to, context)

    # Sign-up sends one of these two, depending on whether the address already has an account.
    # Both go through the task worker, so the time the page takes tells nothing either.
    QUEUED_EMAILS = frozenset({"account/email/email_confirmation_signup", "account/email/account_already_exists"})

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        if template_prefix not in self.QUEUED_EMAILS:
            super().send_mail(template_prefix, email, context)
            return
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        emails.queue(message)

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            # Whoever just proved they own the address may connect the first authenticator app.
            services.allow_two_factor_setup(request, email_address.user)
        return bool(confirmed)

    # The "check your email" page says it all; a banner that appears only for some addresses
    # would tell a visitor whether an address already has an account.
    SILENT_MESSAGES = frozenset(
        {"account/messages/email_confirmation_sent.txt", "account/messages/email_confirmed.txt"}
    )

    def add_message(
        self, request: HttpRequest, level: int, message_template: str | None = None, *args: Any, **kwargs: Any
    ) -> None:
        if message_template in self.SILENT_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's own rate limits (sign-up, reset, confirmation) count by the same address as ours.
        return client_address(request)

    def login(self, request: HttpRequest, user: Any) -> None:
        """allauth never signs anyone in here: sign-in is only through the two-factor sign-in."""
        raise PermissionDenied("Sign in through the two-factor sign-in.")

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:home")

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": "That code is not right. Check the newest email from us and enter its code",
    }

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        request = allauth_context.request
        if request.user.is_authenticated:
            return reverse("account_email")
        self.add_message(request, messages.SUCCESS, message="Your email address is confirmed. Now sign in.")
        return reverse("accounts:sign-in")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("account_email_verification_sent")
