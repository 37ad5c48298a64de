from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models, transaction
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

BACKUP_CODE_COUNT = 10
# Ten characters from a 32-letter alphabet without look-alikes: 50 bits each, so a fast
# salted hash is enough and checking ten of them stays instant.
_BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class Role(models.TextChoices):
    VICTIM = "victim", "I have experienced crime"
    WITNESS = "witness", "I have witnessed crime"
    SUPPORTER = "supporter", "I am supporting someone"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        extra.setdefault("role", Role.VICTIM)
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A person with an account. Signs in with their email address; no username."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    # When the owner was last told that someone used their password but not their code.
    wrong_code_alert_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_is_known"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_supporter(self) -> bool:
        return self.role == Role.SUPPORTER


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One-use backup codes, kept only as salted hashes and shown to the person once."""

    salt = models.CharField(max_length=64, default="")

    class Meta(Device.Meta):
        verbose_name = "backup code set"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_BACKUP_THROTTLE_FACTOR", 1)

    def _hash(self, code: str) -> str:
        normalised = code.strip().lower().replace(" ", "").replace("-", "")
        return hmac.new(self.salt.encode(), normalised.encode(), hashlib.sha256).hexdigest()

    @transaction.atomic
    def replace_codes(self) -> list[str]:
        """Throw away any old codes and return a fresh set (the only time they are readable)."""
        self.salt = secrets.token_hex(16)
        self.save(update_fields=["salt"])
        self.codes.all().delete()
        codes = ["".join(secrets.choice(_BACKUP_ALPHABET) for _ in range(10)) for _ in range(BACKUP_CODE_COUNT)]
        BackupCode.objects.bulk_create(BackupCode(device=self, code_hash=self._hash(code)) for code in codes)
        return [f"{code[:5]}-{code[5:]}" for code in codes]

    def remaining(self) -> int:
        return self.codes.count()

    def has_code(self, token: str) -> bool:
        """Whether ``token`` is one of the unused codes, without using it up."""
        wanted = self._hash(token)
        return any(
            hmac.compare_digest(code_hash, wanted) for code_hash in self.codes.values_list("code_hash", flat=True)
        )

    def verify_token(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed or not isinstance(token, str) or not token.strip():
            return False
        wanted = self._hash(token)
        with transaction.atomic():
            match = None
            for code in self.codes.select_for_update():
                if hmac.compare_digest(code.code_hash, wanted):
                    match = code
            if match is None:
                self.throttle_increment(commit=True)
                return False
            match.delete()
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        return True


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return "backup code"


class SignInFailure(models.Model):
    """One wrong password, for an email address as typed (kept only as a keyed hash), from an address.

    Counted per account over every address together: see ``accounts.guard``.
    """

    account_key = models.CharField(max_length=64)
    address = models.CharField(max_length=45)
    at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["account_key", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return "sign-in failure"


class QueuedEmail(models.Model):
    """An email waiting for the task worker, so sending costs a request the same whatever it says.

    Deleted as soon as it is sent.
    """

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return "queued email"


class SecondFactorReset(models.Model):
    """A member of staff reset a person's second factor after checking who they were (README: "Lost phone").

    The record goes with the person's account; the staff member's address is kept even if their
    own account goes.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="second_factor_resets")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="second_factor_resets_done"
    )
    staff_email = models.EmailField()
    how_checked = models.TextField(max_length=500)
    at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["-at"]

    def __str__(self) -> str:
        return "second-factor reset"
