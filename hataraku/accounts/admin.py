"""allauth's own admin pages that would show secrets are taken away (issue 7 review): an authenticator's
`data` holds the TOTP secret and the recovery codes' seed (encrypted now, but no one needs to see even the
token), a user session holds its session key (enough to take over the session), and an e-mail
confirmation its key. Staff who must help someone with a lost second factor do it through the person's own
recovery codes or a support procedure, not by reading the secret."""

from __future__ import annotations

from allauth.account.models import EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.http import HttpRequest

from .models import IdentityVerification, Municipality

for model in (Authenticator, UserSession, EmailConfirmation):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(admin.ModelAdmin):
    # The document itself is reviewed only through the audited staff view, never here; the reason given to
    # the person may describe the document, so it stays there too.
    list_display = ("user", "status", "created_at", "reviewed_at")
    list_filter = ("status",)
    exclude = ("document", "reason")
    raw_id_fields = ("user", "reviewed_by")


def _superusers_only(request: HttpRequest) -> bool:
    """The Django admin is for superusers (issue 10, item 8). Staff manage people in our own pages
    (`accounts:staff_people`), which audit every change and tell the person; the admin does neither."""
    user = request.user
    return bool(user.is_active and getattr(user, "is_superuser", False))


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("jis_code", "name", "prefecture")
    search_fields = ("name", "jis_code")
