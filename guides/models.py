"""Topics, guides and their steps; each person's progress, activity answers and saved items; rights pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from guides.rendering import render_markdown
from mysupportspace.addresses import address_with_id, address_with_slug
from situation.models import CrimeType

if TYPE_CHECKING:
    from accounts.models import User


class Audience(models.TextChoices):
    VICTIM = "victim", "People affected by crime (victims and witnesses)"
    WITNESS = "witness", "Witnesses, and anyone going to court"
    SUPPORTER = "supporter", "People supporting someone"
    EVERYONE = "everyone", "Everyone"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


def audiences_for_role(role: str | None) -> list[str]:
    """Supporters see guides for supporters; victims and witnesses see guides for both; all see "everyone".

    Witness guides are for victims too: many victims are asked to give evidence.
    """
    from accounts.models import Role

    if role == Role.SUPPORTER:
        return [Audience.SUPPORTER, Audience.EVERYONE]
    return [Audience.VICTIM, Audience.WITNESS, Audience.EVERYONE]


def own_audience(role: str | None) -> str:
    """The audience whose guides a person in this role is offered first."""
    from accounts.models import Role

    if role == Role.SUPPORTER:
        return Audience.SUPPORTER
    return Audience.WITNESS if role == Role.WITNESS else Audience.VICTIM


# Guide URLs sit beside these fixed paths under /guides/.
RESERVED_GUIDE_SLUGS = frozenset({"topics", "search", "things-that-help-me", "preview", "steps", "saved"})


def validate_guide_slug(value: str) -> None:
    if value in RESERVED_GUIDE_SLUGS:
        raise ValidationError("This web address is used by another page. Choose a different one.")


def validate_crime_types(value: Any) -> None:
    if not isinstance(value, list) or not all(item in CrimeType.values for item in value):
        raise ValidationError(f"Choose from: {', '.join(CrimeType.values)}.")


def crime_types_field() -> models.JSONField:
    return models.JSONField(
        default=list,
        blank=True,
        validators=[validate_crime_types],
        help_text="What happened to the people this helps most. Those people see it first.",
    )


def _hits(field: str, terms: list[str]) -> Any:
    """How many of the search terms appear in ``field`` (for putting the closest matches first)."""
    return sum(
        (Case(When(**{f"{field}__icontains": term}, then=Value(1)), default=Value(0)) for term in terms),
        start=Value(0),
    )


class TopicQuerySet(models.QuerySet["Topic"]):
    def published(self) -> TopicQuerySet:
        return self.filter(published=True)


class Topic(models.Model):
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Part of the web address. Do not change it once shipped."
    )
    title = models.CharField(max_length=120)
    summary = models.TextField(help_text="One or two plain sentences shown on the topics list.")
    order = models.PositiveIntegerField(default=0, help_text="Position on the topics page (lower first).")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.VICTIM)
    published = models.BooleanField(default=False, help_text="Shown on the topics page.")
    crime_types = crime_types_field()
    # Which version of the shipped file this row was last loaded from (see services.load_shipped_content).
    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return address_with_slug("guides:topic", self.slug)


class GuideQuerySet(models.QuerySet["Guide"]):
    def published(self) -> GuideQuerySet:
        return self.filter(status=Status.PUBLISHED, topic__published=True)

    def for_role(self, role: str | None) -> GuideQuerySet:
        return self.filter(audience__in=audiences_for_role(role))

    def matching(self, terms: list[str]) -> GuideQuerySet:
        """Guides with every term somewhere in their words; those with the terms in the title first."""
        guides = self
        for term in terms:
            in_steps = Step.objects.filter(Q(title__icontains=term) | Q(body_markdown__icontains=term))
            guides = guides.filter(
                Q(title__icontains=term) | Q(summary__icontains=term) | Q(pk__in=in_steps.values("guide_id"))
            )
        return guides.annotate(title_hits=_hits("title", terms), summary_hits=_hits("summary", terms)).order_by(
            "-title_hits", "-summary_hits", "topic__order", "order", "title"
        )

    def visible_to(self, user: Any) -> GuideQuerySet:
        """Published guides this person may open: members-only guides need a signed-in person."""
        guides = self.published()
        if not (user and user.is_authenticated):
            guides = guides.filter(members_only=False)
        return guides


class Guide(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="guides")
    slug = models.SlugField(max_length=80, unique=True, validators=[validate_guide_slug])
    title = models.CharField(max_length=120)
    summary = models.TextField()
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.VICTIM)
    members_only = models.BooleanField(default=False, help_text="Only signed-in people can open it.")
    minutes = models.PositiveSmallIntegerField(default=10, help_text="Estimated minutes to work through.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    order = models.PositiveIntegerField(default=0, help_text="Position within its topic (lower first).")
    crime_types = crime_types_field()
    updated_at = models.DateTimeField(auto_now=True)
    # Which version of the shipped file this row was last loaded from (see services.load_shipped_content).
    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["topic__order", "order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return address_with_slug("guides:guide", self.slug)

    def ordered_steps(self) -> list[Step]:
        """The steps in order, using a prefetched ``steps`` when there is one."""
        return sorted(self.steps.all(), key=lambda step: (step.order, step.pk))

    def step_number(self, number: int) -> Step | None:
        """The step shown as "Step <number> of N" (counting from 1), if there is one."""
        steps = self.ordered_steps()
        return steps[number - 1] if 1 <= number <= len(steps) else None

    def step_after(self, step: Step) -> Step | None:
        steps = self.ordered_steps()
        index = _index_of(step, steps)
        return steps[index + 1] if index is not None and index + 1 < len(steps) else None

    def step_before(self, step: Step) -> Step | None:
        steps = self.ordered_steps()
        index = _index_of(step, steps)
        return steps[index - 1] if index else None

    def helps_with(self) -> set[str]:
        """The crime types this guide helps with: its own tags and its topic's."""
        return {*self.crime_types, *self.topic.crime_types}

    def publication_problems(self, steps: list[Step] | None = None) -> list[str]:
        """Why this guide cannot be published as it is (empty when it can)."""
        steps = self.ordered_steps() if steps is None else steps
        problems = []
        if not steps:
            problems.append("A guide needs at least one step before it can be published.")
        problems += [problem for step in steps for problem in step.publication_problems()]
        return problems


def _with_rendered_body(row: Step | RightsPage, save_kwargs: dict[str, Any]) -> dict[str, Any]:
    """body_html is a cache of the Markdown's rendering, never edited by hand: keep it in step when saving."""
    row.body_html = render_markdown(row.body_markdown)
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and "body_markdown" in update_fields:
        save_kwargs["update_fields"] = {*update_fields, "body_html"}
    return save_kwargs


def _index_of(step: Step, steps: list[Step]) -> int | None:
    for index, candidate in enumerate(steps):
        if candidate.pk == step.pk:
            return index
    return None


class StepKind(models.TextChoices):
    INFORMATION = "information", "Information"
    VIDEO = "video", "Video"
    TECHNIQUE = "technique", "Technique"
    ACTIVITY = "activity", "Activity"
    TIPS = "tips", "Tips"


class ActivityType(models.TextChoices):
    TEXT = "text", "Write an answer"
    CHECKLIST = "checklist", "Tick a checklist"
    RATING = "rating", "Rate from 1 to 5"


RATING_SCALE = range(1, 6)


def video_host_allowed(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and (parts.hostname or "") in settings.GUIDES_VIDEO_HOSTS


class Step(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(
        max_length=20,
        choices=StepKind.choices,
        default=StepKind.INFORMATION,
        help_text="Technique: an exercise to try. Activity: the person writes, ticks or rates something, saved privately.",
    )
    title = models.CharField(max_length=160)
    body_markdown = models.TextField(
        "body", blank=True, help_text="Markdown: paragraphs, **bold**, lists, [links](https://…), ## headings."
    )
    body_html = models.TextField(editable=False, default="")
    # Technique
    timer_seconds = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(3600)], help_text="Technique only: an optional timer."
    )
    # Video
    video_file = models.FileField(
        upload_to="guides/videos/",
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm"])],
        help_text="Video only: an MP4 or WebM file, or give a link below instead.",
    )
    video_url = models.URLField(
        blank=True, help_text="Video only: an embed link from an allowed host (see the GUIDES_VIDEO_HOSTS setting)."
    )
    captions_file = models.FileField(
        upload_to="guides/captions/",
        blank=True,
        validators=[FileExtensionValidator(["vtt"])],
        help_text="Video only: captions as a WebVTT (.vtt) file.",
    )
    transcript = models.TextField(blank=True, help_text="Video only: everything said and shown, as plain text.")
    # Activity
    activity_type = models.CharField(max_length=20, choices=ActivityType.choices, blank=True)
    prompt = models.CharField(max_length=300, blank=True, help_text="Activity only: the question the person answers.")
    options = models.JSONField(
        default=list, blank=True, help_text='Checklist only: a list of choices, e.g. ["First", "Second"].'
    )
    scale_low = models.CharField(max_length=80, blank=True, help_text="Rating only: what 1 means.")
    scale_high = models.CharField(max_length=80, blank=True, help_text="Rating only: what 5 means.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **_with_rendered_body(self, kwargs))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == StepKind.VIDEO:
            if not self.video_file and not self.video_url:
                errors["video_url"] = "Upload a video file or give a link to one."
            elif self.video_file and self.video_url:
                errors["video_url"] = "Give either a video file or a link, not both."
            if self.video_url and not video_host_allowed(self.video_url):
                hosts = ", ".join(settings.GUIDES_VIDEO_HOSTS) or "none are allowed at the moment"
                errors["video_url"] = f"Links must be https:// embed links from an allowed host ({hosts})."
        if self.kind == StepKind.ACTIVITY:
            if not self.activity_type:
                errors["activity_type"] = "Choose what the person does in this activity."
            if not self.prompt:
                errors["prompt"] = "Write the question the person answers."
            if self.activity_type == ActivityType.CHECKLIST:
                if not isinstance(self.options, list) or not self.options:
                    errors["options"] = 'Give the checklist choices as a list, e.g. ["First", "Second"].'
                elif not all(isinstance(option, str) and option.strip() for option in self.options):
                    errors["options"] = "Each checklist choice must be some words."
                elif len(set(self.options)) != len(self.options):
                    errors["options"] = "Each checklist choice must be different."
        if errors:
            raise ValidationError(errors)

    def publication_problems(self) -> list[str]:
        if self.kind == StepKind.VIDEO and not (self.captions_file or self.transcript.strip()):
            return [f"The video step “{self.title}” needs captions or a transcript before the guide can be published."]
        return []

    @property
    def can_be_saved(self) -> bool:
        """Techniques and tips can go on a person's "things that help me" list."""
        return self.kind in {StepKind.TECHNIQUE, StepKind.TIPS}

    @property
    def timer_text(self) -> str:
        if not self.timer_seconds:
            return ""
        minutes, seconds = divmod(self.timer_seconds, 60)
        parts = []
        if minutes:
            parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        if seconds:
            parts.append(f"{seconds} second{'s' if seconds != 1 else ''}")
        return " and ".join(parts)


class GuideProgress(models.Model):
    """Where a person is in a guide. ``position`` remembers the step's order in case the step is deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guide_progress")
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="progress")
    current_step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    position = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "guide progress"
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "guide"], name="one_progress_per_guide")]
        indexes: ClassVar = [models.Index(fields=["user", "-updated"], name="progress_recent")]

    def __str__(self) -> str:
        return f"Progress in {self.guide}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def resume_number(self, steps: list[Step]) -> int | None:
        """The number ("Step <number> of N") of ``resume_step`` among the guide's ``steps``, in order."""
        step = self.resume_step(steps)
        return steps.index(step) + 1 if step is not None else None

    def resume_step(self, steps: list[Step]) -> Step | None:
        """The step to go back to. When editors deleted it, the next one after where it stood (or the last)."""
        if not steps:
            return None
        for step in steps:
            if step.pk == self.current_step_id:
                return step
        for step in steps:
            if step.order >= self.position:
                return step
        return steps[-1]


class ActivityAnswer(models.Model):
    """What a person wrote, ticked or rated in an activity step: text (str), checklist (list of str), rating (int)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_answers")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="answers")
    answer = models.JSONField()
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "step"], name="one_answer_per_step")]

    def __str__(self) -> str:
        return f"Answer to {self.step}"


class SavedItemQuerySet(models.QuerySet["SavedItem"]):
    def for_user(self, user: User) -> SavedItemQuerySet:
        """A person's "things that help me", newest first, with what each links to (in one query)."""
        return self.filter(user=user).select_related("step__guide", "guide").order_by("-created_at", "-pk")


class SavedItem(models.Model):
    """Something on a person's "things that help me" list: a technique or tips step, or a whole guide."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_items")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SavedItemQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(step__isnull=False, guide__isnull=True) | Q(step__isnull=True, guide__isnull=False),
                name="saved_item_is_a_step_or_a_guide",
            ),
            models.UniqueConstraint(fields=["user", "step"], condition=Q(step__isnull=False), name="save_step_once"),
            models.UniqueConstraint(fields=["user", "guide"], condition=Q(guide__isnull=False), name="save_guide_once"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.step:
            return address_with_id("guides:step-of", self.step.pk)
        assert self.guide is not None
        return self.guide.get_absolute_url()

    @property
    def title(self) -> str:
        return self.step.title if self.step else self.guide.title if self.guide else ""

    @property
    def guide_title(self) -> str:
        """The guide the item comes from (the guide itself for a saved guide)."""
        return self.step.guide.title if self.step else self.guide.title if self.guide else ""


class RightsPageQuerySet(models.QuerySet["RightsPage"]):
    def published(self) -> RightsPageQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def matching(self, terms: list[str]) -> RightsPageQuerySet:
        pages = self
        for term in terms:
            pages = pages.filter(
                Q(title__icontains=term) | Q(summary__icontains=term) | Q(body_markdown__icontains=term)
            )
        return pages.annotate(title_hits=_hits("title", terms)).order_by("-title_hits", "order", "title")


class RightsPage(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=160)
    summary = models.TextField()
    order = models.PositiveIntegerField(default=0)
    body_markdown = models.TextField("body", help_text="Markdown, with ## headings for sections.")
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)
    # Which version of the shipped file this row was last loaded from (see services.load_shipped_content).
    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = RightsPageQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["order", "title"]
        verbose_name = "rights and information page"

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **_with_rendered_body(self, kwargs))

    def get_absolute_url(self) -> str:
        return address_with_slug("rights:page", self.slug)
