"""What happened (in settings, and once after sign-up) and the rights timeline. All private to the person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from situation import rules, services
from situation.forms import CaseDatesForm, WhatHappenedForm
from situation.models import CaseDates, WhatHappened


def _own_case(request: HttpRequest, pk: int) -> CaseDates:
    """One of the person's own cases; 404 for anyone else's."""
    user: Any = request.user
    return get_object_or_404(CaseDates.objects.select_related("user"), pk=pk, user=user)


def _initial_answer(user: Any) -> dict[str, Any]:
    answer = WhatHappened.objects.filter(user=user).first()
    return {"crime_types": answer.crime_types, "reported": answer.reported} if answer else {}


# --- What happened ------------------------------------------------------------------------------


def what_happened(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = WhatHappenedForm(request.POST if request.method == "POST" else None, initial=_initial_answer(user))
    if request.method == "POST" and form.is_valid():
        services.save_what_happened(user=user, **form.cleaned_data)
        messages.success(request, "Thank you. Your suggestions now fit what you told us.")
        return redirect("accounts:settings")
    answer = WhatHappened.objects.filter(user=user).first()
    return render(
        request, "situation/what_happened.html", {"form": form, "has_answer": bool(answer and not answer.is_empty)}
    )


@require_POST
def remove_what_happened(request: HttpRequest) -> HttpResponse:
    services.remove_what_happened(user=request.user)  # type: ignore[arg-type]
    messages.success(request, "What you told us has been removed.")
    return redirect("accounts:settings")


def after_sign_up(request: HttpRequest) -> HttpResponse:
    """Asked once, just after sign-up, and easy to skip. Anyone already asked goes to their space."""
    user: Any = request.user
    if request.method != "POST" and WhatHappened.objects.filter(user=user).exists():
        return redirect("accounts:home")
    if request.method == "POST" and "skip" in request.POST:
        services.skip_what_happened(user=user)
        return redirect("accounts:home")
    form = WhatHappenedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.save_what_happened(user=user, **form.cleaned_data)
        return redirect("accounts:home")
    return render(request, "situation/after_sign_up.html", {"form": form})


# --- The rights timeline ----------------------------------------------------------------------


def timeline_index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    cases = list(CaseDates.objects.filter(user=user))
    if len(cases) == 1:
        return redirect(cases[0])
    return render(request, "situation/timeline_index.html", {"cases": cases})


def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    case_dates = _own_case(request, pk)
    return render(
        request,
        "situation/timeline.html",
        {
            "case": case_dates,
            "entitlements": services.timeline_for(case_dates),
            "Status": rules.Status,
            "date_rows": [(CaseDates.date_label(name), getattr(case_dates, name)) for name in CaseDates.DATE_FIELDS],
            "other_cases": CaseDates.objects.filter(user=user).exclude(pk=pk).exists(),
        },
    )


def dates_new(request: HttpRequest) -> HttpResponse:
    form = CaseDatesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        case_dates = services.save_case_dates(user=request.user, **_saved_fields(form))  # type: ignore[arg-type]
        return redirect(case_dates)
    return render(request, "situation/dates_form.html", {"form": form, "case": None})


def dates_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case_dates = _own_case(request, pk)
    form = CaseDatesForm(request.POST if request.method == "POST" else None, instance=case_dates)
    if request.method == "POST" and form.is_valid():
        services.save_case_dates(user=request.user, case_dates=case_dates, **_saved_fields(form))  # type: ignore[arg-type]
        messages.success(request, "Your dates are saved.")
        return redirect(case_dates)
    return render(request, "situation/dates_form.html", {"form": form, "case": case_dates})


def _saved_fields(form: CaseDatesForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "dates": {name: data.get(name) for name in CaseDates.DATE_FIELDS},
        "reminders": bool(data.get("reminders")),
        "label": data.get("label", ""),
    }


def dates_delete(request: HttpRequest, pk: int) -> HttpResponse:
    case_dates = _own_case(request, pk)
    if request.method == "POST":
        services.remove_case_dates(case_dates=case_dates)
        messages.success(request, "Those dates have been deleted.")
        return redirect("situation:timeline-index")
    return render(request, "situation/dates_delete.html", {"case": case_dates})
