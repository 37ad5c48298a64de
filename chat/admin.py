"""Supervisors keep canned responses and wrap-up outcomes here. Transcripts are never shown in the
admin: staff read them in the console, where every view is written to the audit trail shown here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chat.models import AuditEntry, CannedResponse, Feedback, WrapUpOutcome
from pages.admin import InputLimits


@admin.register(CannedResponse)
class CannedResponseAdmin(InputLimits, admin.ModelAdmin):
    list_display = ["title", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["title", "text"]


@admin.register(WrapUpOutcome)
class WrapUpOutcomeAdmin(InputLimits, admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]


class ReadOnlyAdmin(InputLimits, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "staff_email", "action", "reference", "detail"]
    list_filter = ["action"]
    search_fields = ["staff_email", "reference"]
    date_hierarchy = "created_at"


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["given_on", "helped"]
    list_filter = ["helped"]
    date_hierarchy = "given_on"
