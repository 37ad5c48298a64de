from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person with an account. Extended by the accounts capability (role, email sign-in)."""
