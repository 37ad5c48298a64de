from __future__ import annotations

from typing import Any, cast

from allauth.account import forms as allauth_forms
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.oath import TOTP
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm

from accounts.models import Role, User

CODE_ERRORS = {
    **OTPAuthenticationFormMixin.otp_error_messages,
    "token_required": "Enter the 6-digit code from your authenticator app",
    "invalid_token": "That code did not work. Check your authenticator app and enter the newest code",
    "n_failed_attempts": "That code did not work. For your safety, wait a few seconds, then enter the newest code",
    "verification_not_allowed": "For your safety, wait a few seconds, then try again",
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


# The longest email address there can be (RFC 5321), and the length of User.email.
EMAIL_MAX_LENGTH = 254


class SignInForm(AuthenticationForm):
    """Email and password, the first step of the two-factor sign-in."""

    # Django's own field only shows a maxlength to the browser and never checks it, so a longer
    # address reached the lock-out's record of failed sign-ins (255 characters) and failed there.
    username = UsernameField(
        max_length=EMAIL_MAX_LENGTH,
        error_messages={"max_length": f"Enter an email address of {EMAIL_MAX_LENGTH} characters or fewer"},
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Passwords are case-sensitive",
        "inactive": "This account cannot be used",
        "unverified": "Confirm your email address first. We have sent you a new link. Check your inbox and spam folder",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
            from allauth.account.internal.flows.email_verification import send_verification_email_to_address

            address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
            if address is not None and self.request is not None:
                send_verification_email_to_address(self.request, address, signup=False)
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class LockedVerifyMixin:
    """Checks a code against a freshly locked copy of the device: no replay by racing requests."""

    def _verify_token(self, user: Any, token: Any, device: Any = None) -> Any:
        # django-otp's clean_otp() calls this inside its own transaction and carries a
        # ValidationError out of it, so the failed attempt it records is kept.
        from accounts import services

        if device is not None:
            device = services.locked_device(device)
        return super()._verify_token(user, token, device)  # type: ignore[misc]


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
