"""Account emails. Every one is neutral: subject, sender and words say nothing about crime,
abuse or support, because someone else may see the inbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string

# allauth's email names, mapped to ours (templates/emails/<name>-subject.txt, -body.txt, -body.html).
ALLAUTH_EMAILS = {
    "account/email/email_confirmation_signup": "confirm-email",
    "account/email/email_confirmation": "confirm-email",
    "account/email/password_reset_key": "reset-password",
    "account/email/account_already_exists": "account-exists",
    "account/email/unknown_account": "unknown-account",
    "account/email/password_changed": "password-changed",
    "account/email/password_set": "password-changed",
    "account/email/password_reset": "password-changed",
    "account/email/email_changed": "email-changed",
    "account/email/email_confirm": "email-changed",
    "account/email/email_deleted": "email-changed",
}


def build(name: str, to: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    body = render_to_string(f"emails/{name}-body.txt", context).strip()
    html = render_to_string(f"emails/{name}-body.html", context).strip()
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def build_for_allauth(template_prefix: str, to: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    try:
        name = ALLAUTH_EMAILS[template_prefix]
    except KeyError:
        # Better no email than one whose words nobody has checked.
        raise LookupError(f"No neutral template for allauth email {template_prefix!r}") from None
    return build(name, to, context)


def queue(message: EmailMessage) -> None:
    """Send ``message`` from the task worker. The task is a row in the same database transaction as
    the email, so both are kept or neither is."""
    from accounts.models import QueuedEmail
    from accounts.tasks import send_queued_email

    alternatives = getattr(message, "alternatives", [])
    html = next((str(content) for content, mimetype in alternatives if mimetype == "text/html"), "")
    queued = QueuedEmail.objects.create(
        to=message.to[0], subject=str(message.subject), body=str(message.body), html=html
    )
    send_queued_email.enqueue(queued.pk)


def send_queued(queued_email_id: int) -> None:
    from accounts.models import QueuedEmail

    queued = QueuedEmail.objects.filter(pk=queued_email_id).first()
    if queued is None:
        return  # already sent by an earlier run of this task
    message = EmailMultiAlternatives(queued.subject, queued.body, settings.DEFAULT_FROM_EMAIL, [queued.to])
    message.attach_alternative(queued.html, "text/html")
    message.send()
    queued.delete()
