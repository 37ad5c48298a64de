"""The editors' side: topics, guides with their ordered steps, and rights pages.

People's progress, answers and saved items are private and have no admin screen.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from guides import catalogue
from guides.models import Guide, RightsPage, Status, Step, Topic
from pages.admin import InputLimits
from pages.service_numbers import PLACEHOLDER_HELP, typed_numbers, unknown_placeholders, use_service_numbers
from situation.models import CrimeType


class CrimeTypesField(forms.TypedMultipleChoiceField):
    """Tags for what happened, ticked from the fixed list that people choose from."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        kwargs.update(choices=CrimeType.choices, widget=forms.CheckboxSelectMultiple, required=False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value if isinstance(value, list) else []


class TaggedForm(forms.ModelForm):
    crime_types = CrimeTypesField(
        label="Helps with",
        help_text="What happened to the people this helps most. People who told us this see it first.",
    )


@admin.register(Topic)
class TopicAdmin(InputLimits, admin.ModelAdmin):
    form = TaggedForm
    list_display = ("title", "order", "audience", "published", "guide_count", "helps_with")
    list_editable = ("order", "published")
    list_filter = ("published", "audience")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(guide_count=Count("guides"))

    @admin.display(description="Guides", ordering="guide_count")
    def guide_count(self, topic: Any) -> int:
        return topic.guide_count

    @admin.display(description="Helps with")
    def helps_with(self, topic: Topic) -> str:
        return _labels(topic.crime_types)


def _labels(values: list[str]) -> str:
    labels = dict(CrimeType.choices)
    return ", ".join(str(labels.get(value, value)) for value in values) or "-"


class NumbersFromTheListForm(forms.ModelForm):
    """A body whose phone numbers come from the one list.

    A number from the list typed out in full is changed into its [[number:…]] on save, without
    fuss: editors copy numbers from anywhere, and the kindest thing is to keep what they meant and
    make it stay right. A [[number:…]] naming nothing in the list is refused (people would see it as
    typed). A number that is not in the list is kept and still shown as a tap-to-call link; the admin
    says so after saving, so it can be added to the list.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "body_markdown" in self.fields:
            field = self.fields["body_markdown"]
            field.help_text = f"{field.help_text} {PLACEHOLDER_HELP}".strip()

    def clean_body_markdown(self) -> str:
        body = self.cleaned_data.get("body_markdown") or ""
        unknown = unknown_placeholders(body)
        if unknown:
            raise ValidationError(
                f"{', '.join(unknown)} is not in the list of service numbers. Check the name after “number:”."
            )
        body, _ = use_service_numbers(body)
        return body

    def numbers_not_in_the_list(self) -> list[str]:
        if not hasattr(self, "cleaned_data"):
            return []
        return typed_numbers(self.cleaned_data.get("body_markdown") or "")


def warn_about_numbers_not_in_the_list(request: HttpRequest, forms_saved: list[Any]) -> None:
    numbers = [number for form in forms_saved for number in getattr(form, "numbers_not_in_the_list", list)()]
    if numbers:
        messages.warning(
            request,
            f"Saved. {', '.join(dict.fromkeys(numbers))} is not in the site's list of service numbers: it is shown "
            "as a tap-to-call link, but will not change if the number does. Ask for it to be added to the list, "
            "then use its [[number:…]].",
        )


class LinesField(forms.CharField):
    """A list of short texts, edited as one per line, all of them together at most ``text_limit`` characters."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *, text_limit: int = 2_000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text_limit = text_limit

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        if len(text) > self.text_limit:
            raise ValidationError(f"Keep these to {self.text_limit:,} characters or fewer, all lines together.")
        return [line.strip() for line in text.splitlines() if line.strip()]


class StepForm(NumbersFromTheListForm):
    options = LinesField(required=False, help_text="Checklist only: one choice per line.")
    video_url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=Step._meta.get_field("video_url").max_length,
        help_text=Step._meta.get_field("video_url").help_text,
    )

    class Meta:
        model = Step
        fields = (
            "order",
            "kind",
            "title",
            "body_markdown",
            "timer_seconds",
            "video_file",
            "video_url",
            "captions_file",
            "transcript",
            "activity_type",
            "prompt",
            "options",
            "scale_low",
            "scale_high",
        )


class StepInlineFormSet(forms.BaseInlineFormSet):
    """Refuses to publish a guide whose steps are not ready (a video without captions or a transcript)."""

    def clean(self) -> None:
        super().clean()
        guide: Guide = self.instance
        if guide.status != Status.PUBLISHED or any(self.errors):
            return
        steps = [
            form.instance
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not form.cleaned_data.get("DELETE", False)
        ]
        problems = guide.publication_problems(steps=steps)
        if problems:
            raise ValidationError([*problems, "Save it as a draft until then."])


class StepInline(InputLimits, admin.StackedInline):
    model = Step
    form = StepForm
    formset = StepInlineFormSet
    extra = 0
    ordering = ("order", "pk")
    fieldsets = (
        (None, {"fields": ("order", "kind", "title", "body_markdown")}),
        ("Technique", {"fields": ("timer_seconds",), "classes": ("collapse",)}),
        ("Video", {"fields": ("video_file", "video_url", "captions_file", "transcript"), "classes": ("collapse",)}),
        (
            "Activity",
            {"fields": ("activity_type", "prompt", "options", "scale_low", "scale_high"), "classes": ("collapse",)},
        ),
    )


@admin.register(Guide)
class GuideAdmin(InputLimits, admin.ModelAdmin):
    form = TaggedForm
    list_display = ("title", "topic", "audience", "status", "members_only", "minutes", "order", "helps_with")
    list_filter = ("status", "audience", "members_only", "topic")
    search_fields = ("title", "summary", "slug")
    list_select_related = ("topic",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("preview_link",)
    fields = (
        "topic",
        "title",
        "slug",
        "summary",
        "audience",
        "crime_types",
        "members_only",
        "minutes",
        "order",
        "status",
        "preview_link",
    )
    inlines = (StepInline,)
    actions = ("publish", "unpublish")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        warn_about_numbers_not_in_the_list(request, [f for f in formset.forms if f.has_changed()])

    @admin.display(description="Helps with")
    def helps_with(self, guide: Guide) -> str:
        return _labels(guide.crime_types)

    @admin.display(description="Preview")
    def preview_link(self, guide: Guide) -> str:
        if not guide.pk:
            return "Save the guide to preview it."
        url = reverse("guides:preview-guide", kwargs={"slug": guide.slug})
        return format_html('<a href="{}">See this guide as a person will see it</a> (saved changes only)', url)

    @admin.action(description="Publish the selected guides")
    def publish(self, request: HttpRequest, queryset: QuerySet[Guide]) -> None:
        published = 0
        for guide in queryset.prefetch_related("steps"):
            problems = guide.publication_problems()
            if problems:
                self.message_user(request, f"“{guide}” was not published: {' '.join(problems)}", messages.ERROR)
                continue
            guide.status = Status.PUBLISHED
            guide.save(update_fields=["status", "updated_at"])
            published += 1
        if published:
            self.message_user(request, f"{published} guide(s) published.", messages.SUCCESS)

    @admin.action(description="Return the selected guides to draft")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Guide]) -> None:
        count = queryset.update(status=Status.DRAFT)
        catalogue.content_changed()  # update() sends no signals
        self.message_user(request, f"{count} guide(s) returned to draft.", messages.SUCCESS)


@admin.register(RightsPage)
class RightsPageAdmin(InputLimits, admin.ModelAdmin):
    form = NumbersFromTheListForm
    list_display = ("title", "order", "status")
    list_editable = ("order", "status")
    list_filter = ("status",)
    search_fields = ("title", "summary", "body_markdown")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("preview_link",)

    def save_model(self, request: HttpRequest, obj: RightsPage, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        warn_about_numbers_not_in_the_list(request, [form])

    @admin.display(description="Preview")
    def preview_link(self, page: RightsPage) -> str:
        if not page.pk:
            return "Save the page to preview it."
        url = reverse("rights:preview", kwargs={"slug": page.slug})
        return format_html('<a href="{}">See this page as a person will see it</a> (saved changes only)', url)
