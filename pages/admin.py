"""What every admin screen of the service checks before it touches the database.

Each app's ModelAdmin and inline takes ``InputLimits`` first among its bases. Django's admin
leaves free text (TextField) without a limit, passes NUL bytes in the list's filters on to
PostgreSQL (which refuses them with an error), lets a search grow past what SQLite's LIKE
accepts, fails on a year in the date links too large for a date, and looks up ids of any size
(SQLite cannot even bind one past 64 bits). Here each of those is refused as bad input instead.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import connections, models
from django.http import HttpRequest

# Markdown bodies and transcripts (the longest shipped body is about 5,000 characters).
TEXT_LIMIT = 50_000
# A summary is one or two sentences.
SUMMARY_LIMIT = 1_000
SEARCH_LIMIT = 200


class IdsInRangeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id no column could hold, as Django already does for one that is not a number."""

    def _check_values(self, value: Any) -> Any:
        queryset: Any = self.queryset
        meta = queryset.model._meta
        key_field = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key_field, models.IntegerField):
            low, high = connections[queryset.db].ops.integer_field_range(key_field.get_internal_type())
            for each in value:
                number = str(each).strip()
                if number.lstrip("-").isdigit() and not low <= int(number) <= high:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": each}
                    )
        return super()._check_values(value)  # type: ignore[misc]


class InputLimits:
    """A limit on every free-text field, and no NUL bytes, endless searches or impossible ids."""

    text_limits: ClassVar[dict[str, int]] = {"summary": SUMMARY_LIMIT}

    def formfield_for_dbfield(self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.TextField) and db_field.max_length is None:
            kwargs.setdefault("max_length", self.text_limits.get(db_field.name, TEXT_LIMIT))
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        kwargs.setdefault("form_class", IdsInRangeMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        # Django's answer to filters it cannot use: the whole list, with ?e=1 in the address.
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise IncorrectLookupParameters("NUL bytes in the list's filters")
        if len(request.GET.get(SEARCH_VAR, "")) > SEARCH_LIMIT:
            messages.warning(request, f"Search for {SEARCH_LIMIT} characters or fewer.")
            raise IncorrectLookupParameters(f"A search longer than {SEARCH_LIMIT} characters")
        try:
            return super().get_changelist_instance(request)  # type: ignore[misc]
        except OverflowError as error:
            # A year or day past what a date can hold, in the date links above the list:
            # Django turns a ValueError there into IncorrectLookupParameters, not this.
            raise IncorrectLookupParameters(error) from error
