"""The diary: write, read, search, edit and delete entries; the mood chart; what works; export.

Every page reads entries through ``own_entries``/``own_entry``, which only ever see the signed-in
person's rows: anyone else's entry is a 404, as is one that has been deleted.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from accounts.access import public
from accounts.middleware import RequireTwoFactorMiddleware
from diary import chart, drafts, helped, search, services
from diary.forms import EntryForm, FeelingsListForm, FilterForm
from diary.models import DiaryEntry, DiaryEntryQuerySet
from diary.what_works import what_works

PER_PAGE = 20
STALE_MESSAGE = (
    "This entry was changed after you opened this page, perhaps in another tab or because the form was sent twice. "
    "We have not saved what you sent. Check the entry below, then save it again"
)


class EntryMissing(Http404):
    """Not one of the person's entries: never theirs, or deleted."""


# --- The one way to reach diary rows ---------------------------------------------------------


def own_entries(request: HttpRequest) -> DiaryEntryQuerySet:
    return DiaryEntry.objects.owned_by(request.user)  # type: ignore[arg-type]


def own_entry(request: HttpRequest, pk: int) -> DiaryEntry:
    entry = helped.with_links(own_entries(request).filter(pk=pk)).first()
    if entry is None:
        raise EntryMissing
    return entry


def entry_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A calm page, with a way back to the diary, for an entry that is not (or no longer) there."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except EntryMissing:
            kept = drafts.find(request)
            if kept is not None and kept.target == str(kwargs.get("pk")):
                # Writing kept for an entry deleted since: it goes into a new entry instead.
                return redirect("diary:entry-new")
            return render(request, "diary/entry_missing.html", status=404)

    return wrapper


_gate = RequireTwoFactorMiddleware(lambda request: HttpResponse())


def keeps_writing_after_sign_out(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the entry forms: the usual sign-in rules, except that writing posted after the session ended is kept.

    The access decision is the default-deny middleware's own, asked about the undecorated view;
    only when it refuses a POST carrying a valid ``keeper`` token is the writing sealed and kept
    (see diary.drafts) before the person is sent to sign in.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = _gate.process_view(request, view, args, kwargs)
        if refusal is None:
            return view(request, *args, **kwargs)
        if request.method == "POST" and refusal.url.startswith(reverse("accounts:sign-in")):  # type: ignore[attr-defined]
            owner_id = drafts.owner_of(request.POST.get(drafts.KEEPER_FIELD, ""))
            target = str(kwargs["pk"]) if "pk" in kwargs else drafts.NEW_ENTRY
            if owner_id is not None and drafts.keep(refusal, owner_id=owner_id, target=target, data=request.POST):
                # Shown on the sign-in page, so it says nothing of what was being written.
                messages.info(
                    request,
                    "You were signed out, so what you were writing is not saved yet. We have kept it: "
                    "sign in again and it will be there for you to save.",
                )
        return refusal

    return public(wrapper)


# --- Reading ---------------------------------------------------------------------------------


def _without_words(query: QueryDict) -> QueryDict:
    query = query.copy()
    query.pop("words", None)
    return query


@sensitive_post_parameters()
def entry_list(request: HttpRequest) -> HttpResponse:
    entries = own_entries(request)
    month_counts = DiaryEntry.objects.month_counts_of(request.user.pk)  # type: ignore[attr-defined,arg-type]
    months = list(month_counts)
    # Search words are taken only from the form's POST: from an address they would sit in logs and history.
    query = request.POST if request.method == "POST" else _without_words(request.GET)
    form = FilterForm(query or None, months=months)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
        if request.method == "POST" and not filters["words"]:
            # Without search words, filters belong in the address (they reveal no writing).
            return redirect(_list_url(filters))
    filtered = entries
    if filters.get("month"):
        filtered = filtered.in_month(filters["month"])
    if filters.get("mood"):
        filtered = filtered.filter(mood=filters["mood"])
    words = filters.get("words", "")
    if words:
        page: Any = Paginator(search.matching_ids(filtered.newest_first(), words), PER_PAGE).get_page(
            request.POST.get("page")
        )
        by_id = {entry.pk: entry for entry in entries.filter(pk__in=list(page.object_list))}
        page_entries = [by_id[pk] for pk in page.object_list]
    else:
        paginator = Paginator(filtered.newest_first(), PER_PAGE)
        if not filters.get("mood"):
            # Known from the month counts already read: no second pass over every entry to count them.
            month = filters.get("month")
            paginator.count = month_counts.get(month, 0) if month else sum(month_counts.values())  # type: ignore[misc]
        page = paginator.get_page(request.GET.get("page"))
        page_entries = list(page.object_list)
    return render(
        request,
        "diary/list.html",
        {
            "form": form,
            "filter_fields": form.fields_html(months),
            "page": page,
            "entries": page_entries,
            "has_entries": bool(months),
            "filtered": bool(filters.get("month") or filters.get("mood") or words),
            "searching": bool(words),
            "filters": filters,
            "page_query": urlencode(_filter_params(filters)),
            "page_numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
            "ellipsis": Paginator.ELLIPSIS,
            "kept": drafts.find(request),
        },
    )


def _filter_params(filters: dict[str, Any]) -> dict[str, str]:
    params = {}
    if filters.get("month"):
        params["month"] = f"{filters['month']:%Y-%m}"
    if filters.get("mood"):
        params["mood"] = str(filters["mood"])
    return params


def _list_url(filters: dict[str, Any]) -> str:
    params = _filter_params(filters)
    return reverse("diary:list") + (f"?{urlencode(params)}" if params else "")


@entry_view
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = own_entry(request, pk)
    return render(request, "diary/entry.html", {"entry": entry, "helped_items": helped.items_of(entry)})


# --- Writing ---------------------------------------------------------------------------------


def _entry_form(request: HttpRequest, *, data: Any = None, entry: DiaryEntry | None = None, **kwargs: Any) -> EntryForm:
    feelings = services.feelings_of(request.user)  # type: ignore[arg-type]
    if entry is not None:
        feelings += [word for word in entry.feelings if word not in feelings]
    return EntryForm(
        data,
        owner=request.user,  # type: ignore[arg-type]
        entry=entry,
        feelings_choices=feelings,
        helped_choices=helped.choices_for(request.user, entry),  # type: ignore[arg-type]
        **kwargs,
    )


def _values(form: EntryForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "date": data["date"],
        "mood": data["mood"],
        "feelings": form.all_feelings(),
        "text": data["text"],
        "helped": data.get("helped", []),
        "helped_note": data["helped_note"],
    }


def _form_page(request: HttpRequest, form: EntryForm, *, entry: DiaryEntry | None, kept: Any) -> HttpResponse:
    response = render(
        request,
        "diary/entry_form.html",
        {"form": form, "entry": entry, "kept": kept, "keeper": drafts.keeper_token(request.user)},
    )
    if kept is not None:
        # The writing is back in the form: the kept copy has done its job.
        drafts.forget(request, response)
    return response


def _keep_only(request: HttpRequest, target: str) -> HttpResponse:
    """diary-keep.js's last-moment copy of an unsaved form, sent as the idle session is about to end.

    The session ends here as the idle timeout would have ended it a moment later: keeping the
    writing must not keep an unattended session open.
    """
    response = HttpResponse(status=204)
    drafts.keep(response, owner_id=request.user.pk, target=target, data=request.POST)  # type: ignore[arg-type]
    logout(request)
    return response


@keeps_writing_after_sign_out
@sensitive_post_parameters()
@sensitive_variables()
def entry_new(request: HttpRequest) -> HttpResponse:
    kept = None
    if request.method == "POST":
        if request.POST.get("keep_only"):
            return _keep_only(request, drafts.NEW_ENTRY)
        form = _entry_form(request, data=request.POST)
        if form.is_valid():
            entry = services.write_entry(
                owner=request.user,  # type: ignore[arg-type]
                submission_id=form.cleaned_data["submission_id"],
                values=_values(form),
                new_feelings=form.cleaned_data["other_feelings"],
            )
            messages.success(request, "Your diary entry is saved.")
            response = redirect(entry)
            drafts.forget(request, response)
            return response
    else:
        kept = drafts.find(request)
        if kept is not None and (
            kept.target == drafts.NEW_ENTRY or not own_entries(request).filter(pk=int(kept.target)).exists()
        ):
            data = kept.data.copy()
            data.pop("version", None)
            form = _entry_form(request, data=data)
        else:
            kept = None
            form = _entry_form(request, initial={"date": timezone.localdate(), "submission_id": uuid.uuid4()})
    return _form_page(request, form, entry=None, kept=kept)


@keeps_writing_after_sign_out
@sensitive_post_parameters()
@sensitive_variables()
@entry_view
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = own_entry(request, pk)
    kept = None
    if request.method == "POST":
        if request.POST.get("keep_only"):
            return _keep_only(request, str(entry.pk))
        form = _entry_form(request, data=request.POST, entry=entry)
        if form.is_valid():
            try:
                saved = services.update_entry(
                    entry=entry,
                    version=form.cleaned_data["version"],
                    values=_values(form),
                    new_feelings=form.cleaned_data["other_feelings"],
                )
            except services.StaleEntry as stale:
                # Show what they sent, against the entry as it is now, so saving again is a choice.
                data = request.POST.copy()
                data["version"] = str(stale.current.version)
                form = _entry_form(request, data=data, entry=entry)
                form.is_valid()
                form.add_error(None, STALE_MESSAGE)
            else:
                messages.success(request, "Your changes are saved.")
                response = redirect(saved)
                drafts.forget(request, response)
                return response
    else:
        kept = drafts.find(request)
        if kept is not None and kept.target == str(entry.pk):
            form = _entry_form(request, data=kept.data, entry=entry)
        else:
            kept = None
            form = _entry_form(
                request,
                entry=entry,
                initial={
                    "date": entry.date,
                    "mood": entry.mood,
                    "feelings": entry.feelings,
                    "text": entry.text,
                    "helped": helped.choice_values(entry),
                    "helped_note": entry.helped_note,
                    "version": entry.version,
                },
            )
    return _form_page(request, form, entry=entry, kept=kept)


@entry_view
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = own_entry(request, pk)
    if request.method == "POST":
        services.delete_entry(entry=entry)
        messages.success(request, "Your diary entry is deleted.")
        return redirect("diary:list")
    return render(request, "diary/entry_delete.html", {"entry": entry})


@sensitive_post_parameters()
def feelings_list(request: HttpRequest) -> HttpResponse:
    words = services.feelings_of(request.user)  # type: ignore[arg-type]
    form = FeelingsListForm(request.POST or None, initial={"words": "\n".join(words)})
    if request.method == "POST" and form.is_valid():
        services.set_feelings(owner=request.user, words=form.cleaned_data["words"])  # type: ignore[arg-type]
        messages.success(request, "Your list of feelings is saved.")
        return redirect("diary:list")
    return render(request, "diary/feelings.html", {"form": form})


# --- How they are doing ----------------------------------------------------------------------


def _range_key(request: HttpRequest) -> str:
    key = request.GET.get("range", chart.DEFAULT_RANGE)
    return key if key in chart.RANGES else chart.DEFAULT_RANGE


def mood_chart(request: HttpRequest) -> HttpResponse:
    range_key = _range_key(request)
    return render(
        request,
        "diary/chart.html",
        {"chart": chart.mood_chart(own_entries(request), range_key), "ranges": chart.RANGES, "range_key": range_key},
    )


def summary(request: HttpRequest) -> HttpResponse:
    range_key = _range_key(request)
    start = chart.range_start(range_key, timezone.localdate())
    return render(
        request,
        "diary/what_works.html",
        {
            "summary": what_works(own_entries(request).since(start)),
            "ranges": chart.RANGES,
            "range_key": range_key,
            "range_label": chart.RANGES[range_key][0],
        },
    )


# --- Export ----------------------------------------------------------------------------------


def export(request: HttpRequest) -> HttpResponse:
    return render(request, "diary/export.html", {"count": own_entries(request).count()})


def export_print(request: HttpRequest) -> HttpResponse:
    entries = list(helped.with_links(own_entries(request).order_by("date", "created_at", "pk")))
    return render(
        request,
        "diary/export_print.html",
        {"entries": [(entry, helped.items_of(entry)) for entry in entries], "today": timezone.localdate()},
    )


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula: make it plain text."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


@sensitive_variables()
def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # A neutral name: someone may see the downloads list.
    response["Content-Disposition"] = f'attachment; filename="notes-{timezone.localdate():%Y-%m-%d}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(["Date", "Mood (1 to 5)", "Mood", "Feelings", "Entry", "What helped", "Anything else that helped"])
    for entry in helped.with_links(own_entries(request).order_by("date", "created_at", "pk")):
        writer.writerow(
            [
                entry.date.isoformat(),
                entry.mood,
                entry.mood_label,
                _cell("; ".join(entry.feelings)),
                _cell(entry.text),
                _cell("; ".join(item.label for item in helped.items_of(entry))),
                _cell(entry.helped_note),
            ]
        )
    return response


@require_POST
def forget_kept(request: HttpRequest) -> HttpResponse:
    """Throw away writing kept from a form sent after the session ended."""
    response = redirect("diary:list")
    drafts.forget(request, response)
    messages.success(request, "What you wrote before you were signed out has been deleted.")
    return response
