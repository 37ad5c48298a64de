from __future__ import annotations

from typing import Any, cast

from allauth.account import forms as allauth_forms
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.contrib.auth.hashers import make_password
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.oath import TOTP
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm

from accounts import guard
from accounts.models import Role, User
from mysupportspace.client_address import client_address

CODE_ERRORS = {
    **OTPAuthenticationFormMixin.otp_error_messages,
    "token_required": "Enter the 6-digit code from your authenticator app",
    "invalid_token": "That code did not work. Check your authenticator app and enter the newest code",
    "n_failed_attempts": "That code did not work. For your safety, codes are paused for a short while. Enter the newest code in a minute",
    "verification_not_allowed": "For your safety, codes are paused for a short while. Try again in a minute",
}
BACKUP_ERRORS = {
    **CODE_ERRORS,
    "token_required": "Enter one of your backup codes",
    "invalid_token": "That backup code did not work. Check it, or try another one. Each code works only once",
}


class AgeForm(forms.Form):
    is_16_or_over = forms.TypedChoiceField(
        label="Are you 16 or over?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you are 16 or over"},
    )


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up form with the person's role; the adapter saves the role with the user."""

    role = forms.ChoiceField(
        label="Which describes you best?",
        help_text="This helps us show you the right guides. You can change it later.",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which describes you best"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "We will send you a link to confirm it. Our emails never say what it is about."
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["password1"].error_messages["required"] = "Create a password"
        self.fields["password2"].error_messages["required"] = "Enter your password again"
        self.fields["password2"].label = "Enter your password again"
        self.fields["password1"].help_text = "At least 10 characters. A few unrelated words work well."

    field_order = ["email", "password1", "password2", "role"]

    def try_save(self, request: Any) -> Any:
        if self.account_already_exists:
            # The same password hashing a new account costs, so the time taken tells nothing.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


TOGETHER_CODE_FIELD = "code"
TOGETHER_PASSKEY_FIELD = "passkey_response"


# The longest email address there can be (RFC 5321), and the length of User.email.
EMAIL_MAX_LENGTH = 254


class SignInForm(AuthenticationForm):
    """Email and password, the first step of the two-factor sign-in.

    While the account is guarded (see ``accounts.guard``), the same step asks for the code
    too, and says only "those details did not work" unless the password and code are both right.
    """

    # Django's own field only shows a maxlength to the browser and never checks it, so a longer
    # address reached the lock-out's record of failed sign-ins (255 characters) and failed there.
    username = UsernameField(
        max_length=EMAIL_MAX_LENGTH,
        error_messages={"max_length": f"Enter an email address of {EMAIL_MAX_LENGTH} characters or fewer"},
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Passwords are case-sensitive",
        "inactive": "This account cannot be used",
        "unverified": "Confirm your email address first. We have sent you a code. Check your inbox and spam folder",
        "together": "For your safety, enter your password and a code from your authenticator app together",
        "together_failed": "Those details did not work. Check your email address, password and code, then try again",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.verified_device: Any = None
        username = self.fields["username"]
        username.label = "Email address"
        username.widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        username.error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.together = self.is_bound and (
            self.add_prefix(TOGETHER_CODE_FIELD) in self.data
            or self.add_prefix(TOGETHER_PASSKEY_FIELD) in self.data
            or self._typed_email_is_guarded()
        )
        if self.together:
            # Or a passkey in place of the code (filled in by static/js/passkey.js).
            self.fields[TOGETHER_PASSKEY_FIELD] = forms.CharField(
                required=False, widget=forms.HiddenInput(attrs={"data-passkey-field": ""}), max_length=20_000
            )
            self.fields[TOGETHER_CODE_FIELD] = forms.CharField(
                label="Code from your authenticator app, or a backup code",
                help_text="The 6-digit code changes every 30 seconds.",
                required=False,
                max_length=20,
                widget=forms.TextInput(
                    attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
                ),
            )

    def _typed_email_is_guarded(self) -> bool:
        email = str(self.data.get(self.add_prefix("username"), ""))
        return bool(email) and len(email) <= EMAIL_MAX_LENGTH and guard.is_guarded(email)

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not email or password is None:
            return self.cleaned_data
        if self.together:
            return self._clean_together(email, password)
        self.user_cache = authenticate(self.request, username=email, password=password)
        if self.user_cache is None:
            guard.record_failure(email=email, address=client_address(self.request))
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _clean_together(self, email: str, password: str) -> dict[str, Any]:
        from accounts import services

        if self.add_prefix(TOGETHER_CODE_FIELD) not in self.data:
            # The page has only just asked for the code: nothing has been tried yet.
            raise forms.ValidationError(self.error_messages["together"], code="together")
        code = self.cleaned_data.get(TOGETHER_CODE_FIELD, "").strip()
        passkey_response = self.cleaned_data.get(TOGETHER_PASSKEY_FIELD, "")
        user = authenticate(self.request, username=email, password=password)
        if user is None:
            guard.record_failure(email=email, address=client_address(self.request))
            raise forms.ValidationError(self.error_messages["together_failed"], code="together_failed")
        self.confirm_login_allowed(user)
        if passkey_response and not code and self.request is not None:
            from accounts import passkeys

            # A passkey of this account's answered this page's challenge: as good as a right code.
            self.verified_device = passkeys.verify(request=self.request, user=user, response_json=passkey_response)
            if self.verified_device is None:
                raise forms.ValidationError(self.error_messages["together_failed"], code="together_failed")
        elif services.has_authenticator(user):
            paused_until = services.codes_paused_until(user)
            if paused_until and services.code_is_right(user=user, code=code):
                # Only someone holding the right code learns of the pause: to anyone else it would
                # tell that the password was right.
                raise forms.ValidationError(services.codes_paused_message(paused_until), code="codes_paused")
            self.verified_device = services.verify_second_factor(user=user, code=code) if code else None
            if self.verified_device is None:
                if code:
                    services.note_wrong_code(user=user)
                raise forms.ValidationError(self.error_messages["together_failed"], code="together_failed")
        # Without an authenticator yet, the password leads only to set-up, which needs the email too.
        self.user_cache = user
        return self.cleaned_data

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
            from accounts import services

            if self.request is not None:
                services.send_email_code(request=self.request, user=user)
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class EmailCodeForm(allauth_forms.ConfirmEmailVerificationCodeForm):
    """The code from the confirmation email, typed into the page that asked for it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = "Code from the email"
        field.help_text = "It is 8 numbers, like 1234-5678."
        field.error_messages["required"] = "Enter the code from the email"
        field.widget.attrs = {
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
            "class": "govuk-input--width-10",
        }


class LockedVerifyMixin:
    """Checks a code against a freshly locked copy of the device: no replay by racing requests."""

    def _verify_token(self, user: Any, token: Any, device: Any = None) -> Any:
        # django-otp's clean_otp() calls this inside its own transaction and carries a
        # ValidationError out of it, so the failed attempt it records is kept.
        from accounts import services

        if device is not None:
            device = services.locked_device(device)
            if until := services.paused_until(device):
                raise forms.ValidationError(services.codes_paused_message(until), code="codes_paused")
        try:
            return super()._verify_token(user, token, device)  # type: ignore[misc]
        except forms.ValidationError as error:
            if error.code == "invalid_token":
                services.note_wrong_code(user=user)
            raise


class SignInCodeForm(LockedVerifyMixin, AuthenticationTokenForm):
    otp_error_messages = CODE_ERRORS

    # The wizard passes `user` and `initial_device` only to forms whose signature names them.
    def __init__(self, user: Any, initial_device: Any, **kwargs: Any) -> None:
        super().__init__(user, initial_device, **kwargs)
        field = self.fields["otp_token"]
        field.label = "Code from your authenticator app"
        field.help_text = "The 6-digit code changes every 30 seconds."
        field.widget.attrs.update({"inputmode": "numeric", "class": "govuk-input--width-5"})
        field.error_messages.update(
            required=CODE_ERRORS["token_required"],
            invalid="Enter the code as 6 numbers",
            min_length="Enter the code as 6 numbers",
            max_length="Enter the code as 6 numbers",
        )


class SignInBackupCodeForm(LockedVerifyMixin, BackupTokenForm):
    otp_error_messages = BACKUP_ERRORS

    def __init__(self, user: Any, initial_device: Any, **kwargs: Any) -> None:
        super().__init__(user, initial_device, **kwargs)
        field = self.fields["otp_token"]
        field.label = "Backup code"
        field.help_text = "One of the codes you wrote down when you set up your account, like abcde-23456."
        field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-10"})
        field.error_messages["required"] = BACKUP_ERRORS["token_required"]


PASSKEY_FAILED = "That passkey did not work. Try again, or use another way to sign in"


class SignInPasskeyForm(forms.Form):
    """The browser's answer to our passkey challenge, put in by static/js/passkey.js."""

    # Checked once: the challenge it answers is used up (the wizard does not check it again).
    idempotent = False

    passkey_response = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-passkey-field": ""}), max_length=20_000
    )

    # The wizard passes `user` and `request` only to forms whose signature names them.
    def __init__(self, user: Any, request: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.request = request

    def clean(self) -> dict[str, Any]:
        from accounts import passkeys

        response = self.cleaned_data.get("passkey_response", "")
        device = passkeys.verify(request=self.request, user=self.user, response_json=response)
        if device is None:
            raise forms.ValidationError(PASSKEY_FAILED, code="passkey_failed")
        self.user.otp_device = device
        return self.cleaned_data


class NewAuthenticatorForm(forms.Form):
    """Checks a code against a key that is not yet saved, to prove the app was set up right."""

    code = forms.RegexField(
        label="Code from your authenticator app",
        help_text="Enter the 6-digit code your app shows for this account.",
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "invalid": "Enter the code as 6 numbers",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
    )

    def __init__(self, *args: Any, key: bytes, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.verified_t: int | None = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        totp = TOTP(self.key, step=30, t0=0, digits=6, drift=0)
        if not totp.verify(int(code), tolerance=1):
            raise forms.ValidationError(
                "That code did not work. Check the time on your phone is right, and enter the newest code"
            )
        self.verified_t = totp.t()
        return code


class FreshCodeForm(forms.Form):
    """A current code from the person's own authenticator (or, where allowed, a backup code)."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )

    def __init__(self, *args: Any, user: User, allow_backup_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.allow_backup_code = allow_backup_code
        if allow_backup_code:
            self.fields["code"].label = "Code from your authenticator app, or a backup code"
            self.fields["code"].error_messages["required"] = "Enter a code from your authenticator app or a backup code"

    def clean_code(self) -> str:
        from accounts import services

        code = self.cleaned_data["code"].strip()
        if not services.check_code(user=self.user, code=code, allow_backup_code=self.allow_backup_code):
            raise forms.ValidationError(
                "That code did not work. Enter the newest code from your app"
                + (", or a backup code you have not used" if self.allow_backup_code else "")
            )
        return code


class DeleteAccountForm(FreshCodeForm):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    field_order = ["password", "code"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right")
        return password


class RoleForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = Role.choices  # no empty "---------" option
        role.error_messages["required"] = "Select which describes you best"

    class Meta:
        model = User
        fields = ["role"]
        widgets = {"role": forms.RadioSelect}
        labels = {"role": "Which describes you best?"}
        help_texts = {"role": "We use this to suggest guides for you."}


class _PlainWords:
    """allauth's forms, in the service's own words: plain labels, specific messages, no placeholders."""

    LABELS: dict[str, tuple[str, str]] = {
        # field: (label, message when it is left empty)
        "oldpassword": ("Current password", "Enter your current password"),
        "password1": ("New password", "Enter a new password"),
        "password2": ("New password again", "Enter the new password again"),
        "email": ("Email address", "Enter an email address"),
    }
    PASSWORD_HINT = "At least 10 characters. A few unrelated words work well."  # noqa: S105 (a hint, not a password)

    def _use_plain_words(self) -> None:
        fields: Any = self.fields  # type: ignore[attr-defined]
        for name, field in fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.LABELS:
                field.label, field.error_messages["required"] = self.LABELS[name]
        if "password1" in fields:
            fields["password1"].help_text = self.PASSWORD_HINT


class ChangePasswordForm(_PlainWords, allauth_forms.ChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._use_plain_words()


class ResetPasswordForm(_PlainWords, allauth_forms.ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._use_plain_words()


class ResetPasswordKeyForm(_PlainWords, allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._use_plain_words()


class AddEmailForm(_PlainWords, allauth_forms.AddEmailForm):
    LABELS = {"email": ("New email address", "Enter your new email address")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._use_plain_words()


class SecondFactorResetForm(forms.Form):
    """Staff: whose second factor to reset, and how they checked it was really that person."""

    email = forms.EmailField(
        label="The person's email address",
        max_length=254,
        error_messages={"required": "Enter the email address of the account", "invalid": "Enter a real email address"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    how_checked = forms.CharField(
        label="How you checked it is them",
        help_text="For the record. Say which checks you made, not the answers.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how you checked it is them", "max_length": "Keep it under 500 characters"},
    )
    identity_checked = forms.BooleanField(
        label="I have checked this is the person who owns the account, as our guidance says",
        error_messages={"required": "Confirm you have checked it is them"},
    )

    def __init__(self, *args: Any, staff: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.person: User | None = None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError("No account has this email address. Check it with the person")
        if person.pk == self.staff.pk:
            raise forms.ValidationError("You cannot reset your own sign-in. Ask another administrator")
        if person.is_staff and not self.staff.is_superuser:
            raise forms.ValidationError("Only an administrator can reset a staff account")
        self.person = person
        return email
