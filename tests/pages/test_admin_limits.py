"""The admin's screens check what staff send before anything reaches the database (pages.admin.InputLimits)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory

from guides.admin import LinesField
from guides.models import Topic
from referrals.models import AuditEntry, Need, Organisation
from tests.factories import make_user, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(db: None) -> Any:
    return make_user("bob@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def bob_client(bob: Any) -> Client:
    return signed_in_client(bob)


def _our_admins() -> list[tuple[type, Any]]:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        # the project's apps sit at the top of the repository (a .venv inside it holds packages)
        if Path(model._meta.app_config.path).resolve().parent == Path(settings.BASE_DIR).resolve()
    ]


def _admin_forms(bob: Any) -> list[tuple[str, forms.BaseForm]]:
    request = RequestFactory().get("/admin/")
    request.user = bob
    found: list[tuple[str, forms.BaseForm]] = []
    for model, model_admin in _our_admins():
        for change in (False, True):
            obj = model() if change else None
            found.append((f"{model.__name__} admin", model_admin.get_form(request, obj, change=change)()))
            for inline in model_admin.get_inline_instances(request, obj):
                formset = inline.get_formset(request, obj)(instance=obj)
                found.append((f"{model.__name__} admin, {inline.model.__name__} inline", formset.empty_form))
    return found


def test_every_free_text_field_on_our_admin_screens_has_a_limit(bob: Any) -> None:
    unbounded = []
    for where, form in _admin_forms(bob):
        for name, field in form.fields.items():
            if isinstance(field.widget, forms.PasswordInput):
                continue  # hashed, never kept as typed
            if isinstance(field, LinesField):
                continue  # checked as a whole in to_python (see the next test)
            if isinstance(field, forms.CharField) and field.max_length is None:
                unbounded.append(f"{where}: {name}")
    assert len(_our_admins()) >= 6
    assert not unbounded, unbounded


def test_checklist_options_are_limited_as_a_whole() -> None:
    field = LinesField(text_limit=20)

    assert field.clean("one\ntwo") == ["one", "two"]
    with pytest.raises(forms.ValidationError):
        field.clean("one\n" + "x" * 20)


def test_a_summary_past_its_limit_is_refused_and_not_saved(bob_client: Client) -> None:
    response = bob_client.post(
        "/admin/guides/topic/add/",
        {"slug": "long", "title": "Long", "summary": "x" * 1_001, "audience": "victim", "order": "0"},
    )

    assert response.status_code == 200
    assert "at most 1000 characters" in response.content.decode()
    assert not Topic.objects.filter(slug="long").exists()


def test_a_markdown_body_past_its_limit_is_refused(bob_client: Client) -> None:
    response = bob_client.post(
        "/admin/guides/rightspage/add/",
        {"slug": "long", "title": "Long", "summary": "Short.", "body_markdown": "x" * 50_001, "status": "draft"},
    )

    assert response.status_code == 200
    assert "at most 50000 characters" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["?status__exact=published%00", "?q=a%00b", "?q=" + "x" * 201],
    ids=["NUL in a filter", "NUL in a search", "a search too long"],
)
def test_the_list_treats_nul_bytes_and_endless_searches_as_filters_it_cannot_use(
    bob_client: Client, query: str
) -> None:
    """PostgreSQL refuses NUL bytes and SQLite's LIKE a pattern past 50,000 bytes: both were server errors."""
    response = bob_client.get("/admin/guides/rightspage/" + query)

    assert response.status_code == 302
    assert response["Location"] == "/admin/guides/rightspage/?e=1"


def test_a_year_too_large_for_a_date_is_a_filter_the_list_cannot_use(bob_client: Client) -> None:
    """Django turns a bad date in the date links into "invalid" only when it is a ValueError."""
    response = bob_client.get("/admin/referrals/auditentry/?created_at__year=" + "9" * 40)

    assert response.status_code == 302
    assert response["Location"] == "/admin/referrals/auditentry/?e=1"


def test_the_list_still_filters_and_searches(bob_client: Client) -> None:
    assert bob_client.get("/admin/guides/rightspage/?status__exact=published&q=rights").status_code == 200
    assert bob_client.get("/admin/referrals/auditentry/?q=" + "x" * 200).status_code == 200
    assert bob_client.get("/admin/referrals/auditentry/?created_at__year=2026").status_code == 200


@pytest.mark.parametrize("huge", [str(2**63), str(-(2**63) - 1), "9" * 40])
def test_an_id_beyond_any_column_is_an_invalid_choice_not_a_server_error(bob_client: Client, huge: str) -> None:
    """SQLite cannot bind an integer past 64 bits, and Django's list of ids asked it to."""
    need = Need.objects.create(slug="safety", name="Safety")
    form = {
        "name": "Helpers",
        "slug": "helpers",
        "summary": "They help.",
        "area": "national",
        "opening_hours": "Always",
        "is_published": "on",
    }

    response = bob_client.post("/admin/referrals/organisation/add/", {**form, "needs": [str(need.pk), huge]})

    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert not Organisation.objects.exists()
    group = Group.objects.create(name="Editors")
    user = make_user("casey@example.org")
    response = bob_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {"email": user.email, "role": "victim", "is_active": "on", "groups": [str(group.pk), huge]},
    )
    assert response.status_code == 200
    assert not user.groups.exists()
    assert not AuditEntry.objects.exists()


def test_ids_in_range_are_still_chosen(bob_client: Client) -> None:
    need = Need.objects.create(slug="safety", name="Safety")
    response = bob_client.post(
        "/admin/referrals/organisation/add/",
        {
            "name": "Helpers",
            "slug": "helpers",
            "summary": "They help.",
            "needs": [str(need.pk)],
            "area": "national",
            "opening_hours": "Always",
            "is_published": "on",
        },
    )

    assert response.status_code == 302
    assert list(Organisation.objects.get().needs.all()) == [need]
