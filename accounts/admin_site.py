from __future__ import annotations

from django.conf import settings
from django.contrib.admin import AdminSite
from two_factor.admin import AdminSiteOTPRequiredMixin


class StaffAdminSite(AdminSiteOTPRequiredMixin, AdminSite):
    """Staff only, and only after two-factor; its sign-in page is the site's two-factor sign-in."""

    site_header = f"{settings.SERVICE_NAME} staff"
    site_title = f"{settings.SERVICE_NAME} staff"
    index_title = "Content and requests"
