from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("pages.urls")),
    path("account/", include("accounts.urls")),
    path("account/", include("accounts.allauth_urls")),
    path("guides/", include("guides.urls")),
    path("rights/", include("guides.rights_urls")),
    path("", include("referrals.urls")),
    path("diary/", include("diary.urls")),
    path("", include("chat.urls")),
    path("", include("situation.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "pages.views.bad_request"
handler403 = "pages.views.permission_denied"
handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"
