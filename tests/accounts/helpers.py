"""Driving the real two-factor sign-in, step by step, as a browser would."""

from __future__ import annotations

from django.http import HttpResponse as Response
from django.test import Client

WIZARD = "sign_in_view-current_step"


def submit_password(client: Client, email: str, password: str, **extra: str) -> Response:
    client.get("/account/sign-in/")
    return client.post(
        "/account/sign-in/", {WIZARD: "auth", "auth-username": email, "auth-password": password}, **extra
    )


def submit_code(client: Client, code: str) -> Response:
    return client.post("/account/sign-in/", {WIZARD: "token", "token-otp_token": code})


def choose_backup_code(client: Client) -> Response:
    return client.post("/account/sign-in/", {WIZARD: "token", "wizard_goto_step": "backup"})


def submit_backup_code(client: Client, code: str) -> Response:
    return client.post("/account/sign-in/", {WIZARD: "backup", "backup-otp_token": code})


def is_verified(client: Client) -> bool:
    return "_auth_user_id" in client.session and "otp_device_id" in client.session


def submit_together(client: Client, email: str, password: str, code: str, **extra: str) -> Response:
    """The guarded sign-in's first step: email, password and code on one page."""
    client.get("/account/sign-in/", **extra)
    return client.post(
        "/account/sign-in/",
        {WIZARD: "auth", "auth-username": email, "auth-password": password, "auth-code": code},
        **extra,
    )
