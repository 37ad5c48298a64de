"""The public pages of the shell: home, help now, safety, accessibility, privacy, errors."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from accounts.access import public
from chat import services as chat_services
from pages import seo


@public
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: caseworkers to the queue, other staff (editors) to the admin, everyone else home."""
    from referrals.models import is_caseworker

    user = request.user
    if is_caseworker(user):
        return redirect("referrals:caseworkers:queue")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("accounts:home")


@public
def help_now(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/help_now.html")


@public
def using_safely(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/using_safely.html")


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/privacy.html",
        {
            "organisation": settings.PRIVACY_ORGANISATION,
            "contact": settings.PRIVACY_CONTACT,
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    )


@public
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Search engines may read the public pages; nothing under the account, the diary or staff pages."""
    sitemap = request.build_absolute_uri("/sitemap.xml")
    return render(request, "pages/robots.txt", {"sitemap_url": sitemap}, content_type="text/plain; charset=utf-8")


@public
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    urls = [request.build_absolute_uri(path) for path in seo.sitemap_urls()]
    return render(request, "pages/sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8")


@public
@csrf_exempt
def quick_exit(request: HttpRequest) -> HttpResponse:
    """End the session and leave for a neutral site.

    A plain GET link so it works without JavaScript; signing someone out (and ending their
    chat, if they are in one) is the only effect, so a forged request can do no harm: a chat's
    token lives only in its own visitor's session. Clear-Site-Data asks the browser to drop what it
    holds for this site as well.
    """
    # A live chat ends at once, and the supporter is told not to try to contact the person.
    chat_services.end_chat_on_quick_exit(visitor_token=request.session.get(chat_services.VISITOR_SESSION_KEY))
    logout(request)
    response = HttpResponseRedirect(settings.QUICK_EXIT_URL)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)
