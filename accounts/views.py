"""Accounts: sign-up, the two-factor sign-in and set-up, settings, download my data, delete my account."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

import qrcode
import qrcode.image.svg
from allauth.account import views as allauth_views
from allauth.account.internal.flows.email_verification_by_code import EmailVerificationProcess
from allauth.account.internal.stagekit import clear_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from formtools.wizard.forms import ManagementForm
from two_factor.utils import get_otpauth_url
from two_factor.views import LoginView

from accounts import forms, passkeys, services
from accounts.access import can_reset_second_factors, public, two_factor_setup_step
from accounts.models import BackupCodeDevice, SecondFactorReset
from mysupportspace.client_address import client_address

SETUP_KEY_SESSION = "two_factor_setup_key"
NEW_CODES_SESSION = "backup_codes_to_show"
REPLACING_SESSION = "replacing_authenticator_since"
AGE_SESSION = "confirmed_16_or_over"

logger = logging.getLogger(__name__)


# --- Sign-up --------------------------------------------------------------------------------


@public
def start(request: HttpRequest) -> HttpResponse:
    """Before the sign-up form: the 16+ question. Under 16s get a kind page and no account."""
    form = forms.AgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["is_16_or_over"]:
            request.session.pop(AGE_SESSION, None)
            return redirect("accounts:under-16")
        request.session[AGE_SESSION] = True
        return redirect("account_signup")
    return render(request, "accounts/start.html", {"form": form})


@public
def under_16(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/under_16.html")


@public
def signup(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """allauth's sign-up, only after the age question, and all or nothing."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    if not request.session.get(AGE_SESSION):
        return redirect("accounts:start")
    address = client_address(request)
    if request.method == "POST" and (wait := services.signup_wait(address=address)):
        return render(request, "accounts/signup_paused.html", {"wait": services.duration_in_words(wait)}, status=429)
    with transaction.atomic():
        response = allauth_views.signup(request, **kwargs)
    if request.method == "POST" and response.get("Location") == reverse("account_email_verification_sent"):
        services.note_signup(address=address)
    return response


class ConfirmEmailCodeView(allauth_views.ConfirmEmailVerificationCodeView):
    """allauth's code check, without its sign-in: the code proves the email, and only the email.

    The browser that types the right code may connect the first authenticator (the adapter's
    ``confirm_email``); then the person signs in through the two-factor sign-in like anyone else.
    """

    template_name = "account/confirm_email_code.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # allauth keeps a half-done sign-in from sign-up in the session; it is never resumed here.
        clear_login(request)
        self.stage = None
        self._process = EmailVerificationProcess.resume(request)
        if self._process is None:
            return render(request, "account/verification_sent.html")
        return super(allauth_views.ConfirmEmailVerificationCodeView, self).dispatch(request, *args, **kwargs)


confirm_email_code = public(ConfirmEmailCodeView.as_view())


@public
def old_confirmation_link(request: HttpRequest, key: str) -> HttpResponse:
    """Links from emails sent before confirmation became a code."""
    return render(request, "account/email_confirm.html")


@public
def allauth_login(request: HttpRequest) -> HttpResponse:
    """allauth's own sign-in knows nothing of two-factor, so its address leads to ours."""
    target = reverse("accounts:sign-in")
    if next_url := request.GET.get("next"):
        from urllib.parse import urlencode

        target = f"{target}?{urlencode({'next': next_url})}"
    return redirect(target)


# --- Sign-in and sign-out -------------------------------------------------------------------


class SignInView(LoginView):
    """Email and password, then a code from the authenticator app or a backup code."""

    template_name = "accounts/sign_in.html"
    PASSKEY_STEP = "passkey"
    # The first of the later steps that applies is shown; the others are a button away.
    form_list = (
        (LoginView.AUTH_STEP, forms.SignInForm),
        (LoginView.TOKEN_STEP, forms.SignInCodeForm),
        (PASSKEY_STEP, forms.SignInPasskeyForm),
        (LoginView.BACKUP_STEP, forms.SignInBackupCodeForm),
    )

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        """A post whose step field is missing or names no step of ours is turned away here.

        It gets the same calm 400 page as before, but one line in the log: the wizard would
        raise SuspiciousOperation, which Django logs with a whole traceback, and scanners send
        such posts by the hundred. Every page of ours sends one of our step names.
        """
        if not self._posted_a_known_step():
            logger.warning("Sign-in post with its step field missing or altered: answered 400")
            return render(self.request, "errors/400.html", status=400)
        return super().post(*args, **kwargs)

    def _posted_a_known_step(self) -> bool:
        management_form = ManagementForm(self.request.POST, prefix=self.prefix)
        return management_form.is_valid() and management_form.cleaned_data["current_step"] in self.form_list

    def get_form(self, step: str | None = None, **kwargs: Any) -> Any:
        # Our own forms at every step (the parent would swap in its own for the code step).
        form = super(LoginView, self).get_form(step=step, **kwargs)
        if self.show_timeout_error:
            form.cleaned_data = getattr(form, "cleaned_data", {})
            form.add_error(None, "You took too long, so for your safety we started again. Please sign in again")
        return form

    # Set when the first step took the password and the code together (a guarded account).
    VERIFIED_TOGETHER = "second_factor_verified_with_password"

    def _verified_together(self) -> bool:
        return bool(self.storage.data.get(self.VERIFIED_TOGETHER))

    def _passed_another_way(self, *ways: str) -> bool:
        done = self.storage.validated_step_data
        return self._verified_together() or any(way in done for way in ways)

    # A step stays in the list once it has been passed itself (the wizard looks for it there),
    # and leaves it once another way has been passed.
    def has_token_step(self) -> bool:
        return not self._verified_together() and bool(super().has_token_step())

    def has_passkey_step(self) -> bool:
        user = self.get_user()
        return bool(user) and not self._passed_another_way(self.TOKEN_STEP) and passkeys.has_passkey(user)

    def has_backup_step(self) -> bool:
        user = self.get_user()
        passed = self._passed_another_way(self.TOKEN_STEP, self.PASSKEY_STEP)
        return bool(user) and not passed and services.has_authenticator(user)

    condition_dict = {
        LoginView.TOKEN_STEP: has_token_step,
        PASSKEY_STEP: has_passkey_step,
        LoginView.BACKUP_STEP: has_backup_step,
    }

    def process_step(self, form: Any) -> Any:
        data = super().process_step(form)
        if self.steps.current == self.AUTH_STEP and getattr(form, "verified_device", None) is not None:
            self.storage.data[self.VERIFIED_TOGETHER] = form.verified_device.persistent_id
        return data

    def done(self, form_list: Any, **kwargs: Any) -> HttpResponse:
        if device_id := self.storage.data.get(self.VERIFIED_TOGETHER):
            # django_otp records the device in the session when the signed-in user carries it.
            self.get_user().otp_device = Device.from_persistent_id(device_id)
        return super().done(form_list, **kwargs)

    def get_device(self, step: str | None = None) -> Any:
        if (step or self.steps.current) == self.BACKUP_STEP:
            return BackupCodeDevice.objects.filter(user=self.get_user()).first()
        return super().get_device(step)

    def render(self, form: Any = None, **kwargs: Any) -> HttpResponse:
        if (
            form is not None
            and form.has_error(NON_FIELD_ERRORS, "unverified")
            and services.email_code_pending(self.request)
        ):
            # Right password, email not confirmed yet: the code is on its way, so ask for it.
            return redirect("account_email_verification_sent")
        return super().render(form, **kwargs)

    def get_context_data(self, form: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(form, **kwargs)
        user = self.get_user()
        context["backup_codes_left"] = services.backup_codes_left(user) if user else 0
        context["has_passkey"] = bool(user) and passkeys.has_passkey(user)
        context["has_app"] = bool(user) and services.has_authenticator_app(user)
        if self.steps.current == self.PASSKEY_STEP and user:
            context["passkey_options"] = passkeys.sign_in_options(request=self.request, user=user)
        elif self.steps.current == self.AUTH_STEP and getattr(form, "together", False):
            # Whose account is not known yet: any passkey may answer, and the answer is checked
            # against the account only once the password is right.
            context["passkey_options"] = passkeys.sign_in_options(request=self.request, user=None)
        context["timed_out"] = self.request.GET.get("timed_out") == "1"
        context["codes_paused"] = "codes are paused for" in str(form.errors)
        return context


sign_in = public(SignInView.as_view())


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("pages:home")


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Called by the idle-timeout warning when the person chooses to stay signed in."""
    # Always written, so the full idle time starts again now, as the warning's countdown does.
    request.session.modified = True
    return HttpResponse(status=204)


# --- Two-factor set-up ----------------------------------------------------------------------


def _qr_data_uri(otpauth_url: str) -> str:
    image = qrcode.make(otpauth_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _authenticator_page(
    request: HttpRequest, *, template: str, form: Any, hex_key: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    b32_key = base64.b32encode(binascii.unhexlify(hex_key)).decode()
    otpauth_url = get_otpauth_url(
        accountname=settings.TWO_FACTOR_ACCOUNT_LABEL, secret=b32_key, issuer=settings.OTP_TOTP_ISSUER
    )
    return render(
        request,
        template,
        {
            "form": form,
            "qr_data_uri": _qr_data_uri(otpauth_url),
            "otpauth_url": otpauth_url,
            "key_text": services.key_as_text(hex_key),
            "key_plain": services.key_as_text(hex_key).replace(" ", ""),
            "account_label": settings.TWO_FACTOR_ACCOUNT_LABEL,
            **(extra or {}),
        },
    )


@two_factor_setup_step
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: connect an authenticator app. Nothing else opens until this is done."""
    user: Any = request.user
    if services.has_authenticator(user):
        return redirect("accounts:home")
    if not services.may_set_up_two_factor(request, user):
        sent = services.send_two_factor_setup_link(request=request, user=user)
        return render(request, "accounts/two_factor_setup_email.html", {"sent": sent})
    hex_key = request.session.setdefault(SETUP_KEY_SESSION, services.new_totp_key())
    passkey_failed = False
    if request.method == "POST" and "passkey_response" in request.POST:
        made = services.set_up_passkey(request=request, user=user, response_json=request.POST["passkey_response"])
        if made is not None:
            return _first_second_factor_done(request, device=made[0], codes=made[1])
        passkey_failed = True
    posted_code = request.method == "POST" and not passkey_failed
    form = forms.NewAuthenticatorForm(request.POST if posted_code else None, key=binascii.unhexlify(hex_key))
    if posted_code and form.is_valid():
        assert form.verified_t is not None
        with transaction.atomic():
            device, codes = services.set_up_two_factor(user=user, hex_key=hex_key, verified_t=form.verified_t)
        return _first_second_factor_done(request, device=device, codes=codes)
    return _authenticator_page(
        request,
        template="accounts/two_factor_setup.html",
        form=form,
        hex_key=hex_key,
        extra={
            "passkey_options": passkeys.registration_options(request=request, user=user),
            "passkey_failed": passkey_failed,
        },
    )


def _first_second_factor_done(request: HttpRequest, *, device: Any, codes: list[str]) -> HttpResponse:
    otp_login(request, device)
    request.session.cycle_key()
    request.session.pop(SETUP_KEY_SESSION, None)
    request.session[NEW_CODES_SESSION] = codes
    return redirect("accounts:backup-codes-new")


@public
def two_factor_setup_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: this browser may now connect the first authenticator app."""
    user = services.user_for_setup_link(token)
    if user is None:
        return render(request, "accounts/two_factor_setup_link_expired.html", status=400)
    services.allow_two_factor_setup(request, user)
    # Public pages see a part-way session as signed out, so look at the session itself.
    if request.session.get(SESSION_KEY) == str(user.pk):
        return redirect("accounts:two-factor-setup")
    messages.info(request, "Sign in to finish protecting your account.")
    return redirect("accounts:sign-in")


def backup_codes_new(request: HttpRequest) -> HttpResponse:
    """Shows a fresh set of backup codes once; they are not kept anywhere readable."""
    codes = request.session.pop(NEW_CODES_SESSION, None)
    return render(request, "accounts/backup_codes_new.html", {"codes": codes})


# --- Your space and settings ----------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html")


def settings_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "accounts/settings.html",
        {
            "backup_codes_left": services.backup_codes_left(user),
            "role_label": user.get_role_display(),
            "has_app": services.has_authenticator_app(user),
            "passkeys": passkeys.passkeys_of(user),
            "can_remove": services.can_remove_second_factor(user=user),
        },
    )


PASSKEY_ADD_SESSION = "adding_passkey_since"


def add_passkey(request: HttpRequest) -> HttpResponse:
    """Add a passkey: prove who you are with a code first, as for a new authenticator app."""
    user: Any = request.user
    since = request.session.get(PASSKEY_ADD_SESSION)
    if not since or timezone.now().timestamp() - since > 600:
        check = forms.FreshCodeForm(
            request.POST if request.method == "POST" else None, user=user, allow_backup_code=True
        )
        if request.method == "POST" and check.is_valid():
            request.session[PASSKEY_ADD_SESSION] = timezone.now().timestamp()
            return redirect("accounts:passkey-add")
        return render(request, "accounts/passkey_add_check.html", {"form": check})
    failed = False
    if request.method == "POST":
        device = passkeys.register(request=request, user=user, response_json=request.POST.get("passkey_response", ""))
        if device is not None:
            request.session.pop(PASSKEY_ADD_SESSION, None)
            services.end_other_sessions(user=user, keep_session_key=request.session.session_key)
            messages.success(request, "Your passkey is added. You can use it to sign in from now on.")
            return redirect("accounts:settings")
        failed = True
    return render(
        request,
        "accounts/passkey_add.html",
        {"passkey_options": passkeys.registration_options(request=request, user=user), "passkey_failed": failed},
    )


@require_POST
def remove_passkey(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    passkey = get_object_or_404(WebAuthnCredential, pk=pk, user=user)
    if not services.can_remove_second_factor(user=user):
        messages.info(request, "This is your only way to sign in besides backup codes, so it cannot be removed.")
        return redirect("accounts:settings")
    removed_id = passkey.persistent_id
    passkey.delete()
    _stay_verified(request, removed_id=removed_id)
    messages.success(request, "That passkey is removed. It no longer works here.")
    return redirect("accounts:settings")


@require_POST
def remove_authenticator(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not services.can_remove_second_factor(user=user) or not services.has_authenticator_app(user):
        messages.info(request, "Your authenticator app is your only way to sign in besides backup codes.")
        return redirect("accounts:settings")
    removed_ids = [device.persistent_id for device in TOTPDevice.objects.filter(user=user)]
    TOTPDevice.objects.filter(user=user).delete()
    for removed_id in removed_ids:
        _stay_verified(request, removed_id=removed_id)
    messages.success(request, "Your authenticator app is disconnected. Its codes no longer work here.")
    return redirect("accounts:settings")


def _stay_verified(request: HttpRequest, *, removed_id: str) -> None:
    """Someone who removes the very passkey or app they signed in with stays signed in, on another one."""
    user: Any = request.user
    if request.session.get(DEVICE_ID_SESSION_KEY) == removed_id:
        remaining = passkeys.passkeys_of(user) or list(TOTPDevice.objects.filter(user=user))
        otp_login(request, remaining[0])


def change_role(request: HttpRequest) -> HttpResponse:
    form = forms.RoleForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your choice has been saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/change_role.html", {"form": form})


def new_backup_codes(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = forms.FreshCodeForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        request.session[NEW_CODES_SESSION] = services.replace_backup_codes(user=user)
        services.end_other_sessions(user=user, keep_session_key=request.session.session_key)
        return redirect("accounts:backup-codes-new")
    return render(
        request,
        "accounts/new_backup_codes.html",
        {"form": form, "backup_codes_left": services.backup_codes_left(user)},
    )


def replace_authenticator(request: HttpRequest) -> HttpResponse:
    """Move to a new phone or app: prove who you are with a code, then connect the new app."""
    user: Any = request.user
    since = request.session.get(REPLACING_SESSION)
    if not since or timezone.now().timestamp() - since > 600:
        check = forms.FreshCodeForm(
            request.POST if request.method == "POST" else None, user=user, allow_backup_code=True
        )
        if request.method == "POST" and check.is_valid():
            request.session[REPLACING_SESSION] = timezone.now().timestamp()
            request.session[SETUP_KEY_SESSION] = services.new_totp_key()
            return redirect("accounts:replace-authenticator")
        return render(request, "accounts/replace_authenticator_check.html", {"form": check})

    hex_key = request.session.setdefault(SETUP_KEY_SESSION, services.new_totp_key())
    form = forms.NewAuthenticatorForm(
        request.POST if request.method == "POST" else None, key=binascii.unhexlify(hex_key)
    )
    if request.method == "POST" and form.is_valid():
        assert form.verified_t is not None
        with transaction.atomic():
            device, codes = services.set_up_two_factor(user=user, hex_key=hex_key, verified_t=form.verified_t)
        otp_login(request, device)
        request.session.pop(SETUP_KEY_SESSION, None)
        request.session.pop(REPLACING_SESSION, None)
        request.session[NEW_CODES_SESSION] = codes
        services.end_other_sessions(user=user, keep_session_key=request.session.session_key)
        messages.success(request, "Your new authenticator app is connected. Your old one no longer works.")
        return redirect("accounts:backup-codes-new")
    return _authenticator_page(request, template="accounts/replace_authenticator.html", form=form, hex_key=hex_key)


def download_data(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method != "POST":
        return render(request, "accounts/download_data.html")
    data = services.export_data(user=user)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    # A neutral file name: a download list may be seen by someone else.
    response["Content-Disposition"] = f'attachment; filename="account-data-{timezone.localdate():%Y-%m-%d}.json"'
    return response


def delete_account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = forms.DeleteAccountForm(
        request.POST if request.method == "POST" else None, user=user, allow_backup_code=True
    )
    if request.method == "POST" and form.is_valid():
        services.delete_account(user=user)
        logout(request)
        return redirect("accounts:deleted")
    return render(request, "accounts/delete_account.html", {"form": form})


@public
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/deleted.html")


# --- Staff: second-factor reset -------------------------------------------------------------


def staff_reset_second_factor(request: HttpRequest) -> HttpResponse:
    """For someone who has lost their phone and backup codes: after checking who they are, staff
    reset their second factor. Their diary, guides and requests are untouched."""
    staff: Any = request.user
    if not can_reset_second_factors(staff):
        raise Http404
    form = forms.SecondFactorResetForm(request.POST if request.method == "POST" else None, staff=staff)
    if request.method == "POST" and form.is_valid():
        assert form.person is not None
        services.reset_second_factor(
            request=request, user=form.person, staff=staff, how_checked=form.cleaned_data["how_checked"]
        )
        messages.success(
            request,
            f"The sign-in for {form.person.email} is reset. They have been signed out everywhere and sent "
            "an email with a link to connect a new app or passkey.",
        )
        return redirect("accounts:staff-reset-second-factor")
    recent = SecondFactorReset.objects.select_related("user")[:20]
    return render(request, "accounts/staff_reset_second_factor.html", {"form": form, "recent": recent})
