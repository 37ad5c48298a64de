"""What partner systems receive. Each payload names its schema (``schemas/*.json``, versioned):
stable codes beside the words shown on screen, our reference, and when it was made.

Change a payload only together with its schema, and raise the version when a receiver would
have to change too (a field removed, renamed or given a new meaning).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from referrals.models import (
    ClosingOutcome,
    ContactMethod,
    HelpTopic,
    SafeTime,
    SilverCloudTopic,
    SupportRequest,
    UrgencyReason,
)
from situation.models import CrimeType, crime_type_label

CASEWORKER_REQUEST_SCHEMA = "caseworker-request/3"
CASEWORKER_UPDATE_SCHEMA = "caseworker-update/1"
SILVERCLOUD_REGISTRATION_SCHEMA = "silvercloud-registration/2"


def _coded(code: str, label: str) -> dict[str, str]:
    return {"code": code, "label": label}


def _contact(support_request: SupportRequest) -> dict[str, Any]:
    return {
        "method": _coded(support_request.contact_method, ContactMethod(support_request.contact_method).label),
        "phone": support_request.phone,
        "email": support_request.email,
        "safe_times": [_coded(value, SafeTime(value).label) for value in support_request.safe_times],
        "safe_times_note": support_request.safe_times_note,
        "voicemail_safe": support_request.voicemail_safe,
        "text_safe": support_request.text_safe,
        "email_safe": support_request.email_safe,
        "how_to_contact_safely": support_request.how_to_contact_safely(),
        "code_word": support_request.code_word,
    }


def caseworker_request(support_request: SupportRequest) -> dict[str, Any]:
    return {
        "schema": CASEWORKER_REQUEST_SCHEMA,
        "type": support_request.kind,
        "reference": support_request.reference,
        "created_at": support_request.created_at.isoformat(),
        "follows": support_request.follows.reference if support_request.follows is not None else None,
        "urgent": support_request.is_urgent,
        "urgency_reasons": [_coded(value, UrgencyReason(value).label) for value in support_request.urgency_reasons],
        "role": _coded(support_request.role, support_request.role_label) if support_request.role else None,
        "area": _coded(support_request.area, support_request.area_name) if support_request.area else None,
        "name": support_request.name,
        "contact": _contact(support_request),
        "help_with": [_coded(value, HelpTopic(value).label) for value in support_request.help_topics],
        "message": support_request.message,
        "guides": [guide["title"] for guide in support_request.guides_shared],
        "what_happened": [
            _coded(value, crime_type_label(value))
            for value in support_request.crime_types_shared
            if value in CrimeType.values
        ],
    }


def caseworker_update(support_request: SupportRequest, *, event: str, changes: list[str]) -> dict[str, Any]:
    """A change to a request already sent: the person changed their details or withdrew, or it was closed."""
    outcome = support_request.closing_outcome
    return {
        "schema": CASEWORKER_UPDATE_SCHEMA,
        "event": event,
        "reference": support_request.reference,
        "made_at": timezone.now().isoformat(),
        "changed_fields": changes,
        "contact": _contact(support_request),
        "outcome": _coded(outcome, ClosingOutcome(outcome).label) if outcome else None,
        "referred_to": support_request.referred_to.name if support_request.referred_to is not None else None,
    }


def silvercloud_registration(*, name: str, email: str, topics: list[str]) -> dict[str, Any]:
    return {
        "schema": SILVERCLOUD_REGISTRATION_SCHEMA,
        "name": name,
        "email": email,
        "topics": [_coded(code, SilverCloudTopic(code).label) for code in topics],
    }
