"""Topics, guides and steps (public unless members-only), a person's place in them, and rights pages."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.access import public
from guides import catalogue, services, tailoring
from guides import search as site_search
from guides.forms import ActivityForm, SearchForm
from guides.models import (
    ActivityAnswer,
    Guide,
    GuideProgress,
    RightsPage,
    SavedItem,
    Status,
    Step,
    StepKind,
    Topic,
)
from mysupportspace.addresses import address_with_slug
from situation.services import crime_types_for

# --- Fetching, scoped to who is asking ----------------------------------------------------------


def _visible_guide(request: HttpRequest, slug: str) -> Guide:
    """A published guide this person may open, with its topic and steps; 404 for anyone else.

    Shared by every request of this process until the content changes (guides/catalogue.py): read only.
    """
    guide = catalogue.published_guide(slug)
    if guide is None or (guide.members_only and not request.user.is_authenticated):
        raise Http404
    return guide


def _preview_guide(request: HttpRequest, slug: str) -> Guide:
    """Any guide, draft or not, for staff previewing it; 404 for everyone else."""
    if not request.user.is_staff:
        raise Http404
    return get_object_or_404(Guide.objects.select_related("topic").prefetch_related("steps"), slug=slug)


def _step_or_404(guide: Guide, number: int) -> Step:
    step = guide.step_number(number)
    if step is None:
        raise Http404
    return step


def _progress_for(request: HttpRequest, guide: Guide) -> GuideProgress | None:
    user: Any = request.user
    if not user.is_authenticated:
        return None
    return GuideProgress.objects.filter(user=user, guide=guide).first()


# --- Browsing -------------------------------------------------------------------------------------


@public
def topics(request: HttpRequest) -> HttpResponse:
    visible = Guide.objects.visible_to(request.user)
    topic_list: list[Topic] = list(
        Topic.objects.published()
        .annotate(guide_count=Count("guides", filter=Q(guides__in=visible)))
        .filter(guide_count__gt=0)
        .order_by("order", "title")  # Meta.ordering does not apply to an aggregate query
    )
    # Signed in, people see the topics for what happened to them first, then those written for their role.
    user: Any = request.user
    crime_types = crime_types_for(user)
    topic_list = tailoring.order_topics(topic_list, user=user, crime_types=crime_types)
    return render(
        request,
        "guides/topics.html",
        {"topics": topic_list, "search_form": SearchForm(), "tailored": bool(crime_types)},
    )


@public
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    guides = list(
        Guide.objects.visible_to(request.user)
        .filter(topic=topic)
        .annotate(step_count=Count("steps"))
        .order_by("order", "title")
    )
    hidden_count = 0
    progress_by_guide: dict[int, GuideProgress] = {}
    if request.user.is_authenticated:
        progress_by_guide = {
            row.guide_id: row
            for row in GuideProgress.objects.filter(user=request.user, guide__in=[g.pk for g in guides])
        }
    else:
        hidden_count = Guide.objects.published().filter(topic=topic, members_only=True).count()
    rows = [{"guide": guide, "progress": progress_by_guide.get(guide.pk)} for guide in guides]
    return render(request, "guides/topic.html", {"topic": topic, "rows": rows, "members_only_count": hidden_count})


@public
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _visible_guide(request, slug)
    return _render_guide(request, guide, preview=False)


def preview_guide(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _preview_guide(request, slug)
    return _render_guide(request, guide, preview=True)


def _render_guide(request: HttpRequest, guide: Guide, *, preview: bool) -> HttpResponse:
    steps = guide.ordered_steps()
    progress = None if preview else _progress_for(request, guide)
    resume_number = None
    if progress and not progress.is_complete:
        resume_number = progress.resume_number(steps)
    saved = (
        not preview
        and request.user.is_authenticated
        and SavedItem.objects.filter(user=request.user, guide=guide).exists()
    )
    return render(
        request,
        "guides/guide.html",
        {
            "guide": guide,
            "steps": steps,
            "progress": progress,
            "resume_number": resume_number,
            "saved": saved,
            "preview": preview,
            "step_url_name": "guides:preview-step" if preview else "guides:step",
        },
    )


@public
def step(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    guide = _visible_guide(request, slug)
    step = _step_or_404(guide, number)
    form = None
    if request.user.is_authenticated and step.kind == StepKind.ACTIVITY:
        earlier = ActivityAnswer.objects.filter(user=request.user, step=step).values_list("answer", flat=True).first()
        form = ActivityForm(step, initial=ActivityForm.initial_for(step, earlier))
    return _render_step(request, guide, step, number, form=form, preview=False)


def preview_step(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    guide = _preview_guide(request, slug)
    step = _step_or_404(guide, number)
    form = ActivityForm(step) if step.kind == StepKind.ACTIVITY else None
    return _render_step(request, guide, step, number, form=form, preview=True)


def _render_step(
    request: HttpRequest,
    guide: Guide,
    step: Step,
    number: int,
    *,
    form: ActivityForm | None,
    preview: bool,
    status: int = 200,
) -> HttpResponse:
    steps = guide.ordered_steps()
    user: Any = request.user
    signed_in = user.is_authenticated and not preview
    completed, saved = services.place_on_step(user=user, guide=guide, step=step) if signed_in else (False, False)
    context = {
        "guide": guide,
        "step": step,
        "number": number,
        "total": len(steps),
        "previous_number": number - 1 if number > 1 else None,
        "next_number": number + 1 if number < len(steps) else None,
        "form": form,
        "completed": completed,
        "saved": saved and step.can_be_saved,
        "preview": preview,
        "signed_in": signed_in,
        "step_url_name": "guides:preview-step" if preview else "guides:step",
        "guide_url": address_with_slug("guides:preview-guide" if preview else "guides:guide", guide.slug),
    }
    if not (signed_in or preview):
        # Signed out, the step's content is the same for everyone: drawn once per process until editors
        # change the guides (guides/catalogue.py).
        context["kept_body"] = catalogue.kept(
            "step", (guide.slug, number), partial(render_to_string, "guides/_step_body.html", context)
        )
    elif signed_in and form is None:
        # Signed in, a step without an answer to write differs only by whether the person has completed
        # it and saved it, and by their CSRF token: drawn once for each of those with a stand-in token,
        # which this request's own replaces. Nothing of the person is in what is kept.
        body = catalogue.kept(
            "step-signed-in",
            (guide.slug, number, context["completed"], context["saved"]),
            partial(render_to_string, "guides/_step_body.html", {**context, "csrf_token": _TOKEN_STAND_IN}),
        )
        context["kept_body"] = mark_safe(body.replace(_TOKEN_STAND_IN, get_token(request)))  # noqa: S308 - a token is letters and digits
    return render(request, "guides/step.html", context, status=status)


# Never a CSRF token: those are letters and digits only.
_TOKEN_STAND_IN = "csrf-stand-in-~~"  # noqa: S105 - not a secret


# --- Saving a person's place ----------------------------------------------------------------------

ACTIONS = {"next", "previous", "leave"}


@require_POST
def step_save(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Save the answer (for an activity) and the person's place, then go where they asked."""
    guide = _visible_guide(request, slug)
    step = _step_or_404(guide, number)
    action = request.POST.get("action", "next")
    if action not in ACTIONS:
        action = "next"
    answer = None
    if step.kind == StepKind.ACTIVITY:
        form = ActivityForm(step, request.POST)
        if not form.is_valid():
            return _render_step(request, guide, step, number, form=form, preview=False, status=400)
        answer = form.cleaned_data["answer"]

    user: Any = request.user
    if action == "previous":
        services.save_step(user=user, step=step, answer=answer, go_to=guide.step_before(step))
        return redirect("guides:step", slug=guide.slug, number=max(number - 1, 1))
    if action == "leave":
        services.save_step(user=user, step=step, answer=answer, go_to=step)
        messages.success(request, "Your place is saved. You can carry on from here whenever you are ready.")
        return redirect("accounts:home")
    following = guide.step_after(step)
    if following is None:
        services.save_step(user=user, step=step, answer=answer, go_to=step, finish=True)
        messages.success(request, "You have finished this guide. Well done for taking the time.")
        return redirect("guides:guide", slug=guide.slug)
    services.save_step(user=user, step=step, answer=answer, go_to=following)
    return redirect("guides:step", slug=guide.slug, number=number + 1)


@require_POST
def restart(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _visible_guide(request, slug)
    services.restart_guide(user=request.user, guide=guide)  # type: ignore[arg-type]
    return redirect("guides:step", slug=guide.slug, number=1)


@public
def step_of(request: HttpRequest, pk: int) -> HttpResponse:
    """A stable link to one step (used by saved items and the diary), wherever the step now stands."""
    step = get_object_or_404(Step.objects.select_related("guide"), pk=pk)
    guide = _visible_guide(request, step.guide.slug)
    number = [candidate.pk for candidate in guide.ordered_steps()].index(step.pk) + 1
    return redirect("guides:step", slug=guide.slug, number=number)


# --- Things that help me -------------------------------------------------------------------------


@require_POST
def save_step_item(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(
        Step.objects.filter(
            kind__in=[StepKind.TECHNIQUE, StepKind.TIPS], guide__in=Guide.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    services.save_to_things_that_help(user=request.user, step=step)  # type: ignore[arg-type]
    messages.success(request, f"“{step.title}” is saved to things that help you.")
    return redirect("guides:step-of", pk=step.pk)


@require_POST
def save_guide_item(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _visible_guide(request, slug)
    services.save_to_things_that_help(user=request.user, guide=guide)  # type: ignore[arg-type]
    messages.success(request, f"“{guide.title}” is saved to things that help you.")
    return redirect("guides:guide", slug=guide.slug)


def things_that_help(request: HttpRequest) -> HttpResponse:
    published = Q(step__guide__status=Status.PUBLISHED) | Q(guide__status=Status.PUBLISHED)
    items = SavedItem.objects.for_user(request.user).filter(published)  # type: ignore[arg-type]
    return render(request, "guides/things_that_help.html", {"items": items})


@require_POST
def remove_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(SavedItem, pk=pk, user=request.user)
    item.delete()
    messages.success(request, f"“{item.title}” is no longer on your list.")
    return redirect("guides:things-that-help")


# --- Search ---------------------------------------------------------------------------------------


@public
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    groups, results, complete = site_search.search(query, user=request.user) if query else ([], [], True)
    return render(
        request,
        "guides/search.html",
        {
            "form": form,
            "search_form": form,
            "terms": query.split(),
            "results": results,
            "complete": complete,
            "understood": [group.typed for group in groups],
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- Video files ----------------------------------------------------------------------------------


def _video_step(request: HttpRequest, pk: int) -> Step:
    steps = Step.objects.select_related("guide").filter(kind=StepKind.VIDEO)
    if not request.user.is_staff:  # staff preview drafts; everyone else sees what they may open
        steps = steps.filter(guide__in=Guide.objects.visible_to(request.user))
    return get_object_or_404(steps, pk=pk)


@public
def step_video(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The uploaded video, in parts when the browser asks for a byte range (Safari will not play it otherwise)."""
    step = _video_step(request, pk)
    if not step.video_file:
        raise Http404
    content_type = "video/webm" if (step.video_file.name or "").lower().endswith(".webm") else "video/mp4"
    size = step.video_file.size
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if wanted is None:
        response: HttpResponseBase = FileResponse(step.video_file.open("rb"), content_type=content_type)
    else:
        start, end = wanted
        with step.video_file.open("rb") as video:
            video.seek(start)
            response = HttpResponse(video.read(end - start + 1), content_type=content_type, status=206)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


VIDEO_CHUNK = 2 * 1024 * 1024


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The first range of a ``Range: bytes=start-end`` header, at most VIDEO_CHUNK long; None for the whole file."""
    match = re.fullmatch(r"bytes=(\d*)-(\d*)(?:,.*)?", header.strip())
    if not match or size == 0 or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        end = min(int(last) if last else size - 1, size - 1, start + VIDEO_CHUNK - 1)
    else:  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    if start > end:
        return None
    return start, end


@public
def step_captions(request: HttpRequest, pk: int) -> FileResponse:
    step = _video_step(request, pk)
    if not step.captions_file:
        raise Http404
    return FileResponse(step.captions_file.open("rb"), content_type="text/vtt; charset=utf-8")


# --- Rights and information -----------------------------------------------------------------------


@public
def rights_index(request: HttpRequest) -> HttpResponse:
    return render(request, "guides/rights_index.html", {"pages": RightsPage.objects.published()})


@public
def rights_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(RightsPage.objects.published(), slug=slug)
    return render(request, "guides/rights_page.html", {"page": page, "preview": False})


def rights_preview(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404
    page = get_object_or_404(RightsPage, slug=slug)
    return render(request, "guides/rights_page.html", {"page": page, "preview": True})
