from django.contrib import admin
from django.http import HttpRequest


class SecondFactorAdminSite(admin.AdminSite):
    """The admin for administrators who gave their second factor in this session.

    accounts.middleware.SecondFactorMiddleware leads them to the code page first;
    this is the admin's own check, so that no path into the admin skips it.
    """

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_verified()
