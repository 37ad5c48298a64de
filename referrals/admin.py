"""Editors keep the partner directory here. Requests are worked in the caseworker queue
(/staff/requests/), which records who opened what; the admin only shows that record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from pages.admin import InputLimits
from pages.service_numbers import field_from_the_list, unknown_placeholders, use_service_numbers
from referrals.models import AuditEntry, Need, Organisation


class OrganisationForm(forms.ModelForm):
    """Numbers in the site's list become their [[number:…]] on save (as in guides and rights pages)."""

    def _from_the_list(self, name: str) -> str:
        value = self.cleaned_data.get(name) or ""
        unknown = unknown_placeholders(value)
        if unknown:
            raise ValidationError(f"{', '.join(unknown)} is not in the list of service numbers.")
        return use_service_numbers(value)[0]

    def clean_summary(self) -> str:
        return self._from_the_list("summary")

    def clean_phone(self) -> str:
        return field_from_the_list(self._from_the_list("phone"), kind="call")

    def clean_text(self) -> str:
        return field_from_the_list(self._from_the_list("text"), kind="text")


@admin.register(Organisation)
class OrganisationAdmin(InputLimits, admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "area", "phone", "is_published", "last_checked", "updated_at"]
    list_filter = ["is_published", "area", "needs"]
    search_fields = ["name", "summary", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["needs"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "needs", "area"]}),
        ("How to contact them", {"fields": ["phone", "text", "email", "website", "opening_hours"]}),
        ("Publishing", {"fields": ["is_published", "last_checked"]}),
    ]


@admin.register(Need)
class NeedAdmin(InputLimits, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AuditEntry)
class AuditEntryAdmin(InputLimits, admin.ModelAdmin):
    list_display = ["created_at", "staff_email", "action", "reference", "detail"]
    list_filter = ["action"]
    search_fields = ["staff_email", "reference"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
