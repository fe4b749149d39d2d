from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from hataraku.accounts.urls import identity_urlpatterns
from hataraku.core import views as core_views

from .api import api

# The Django admin has no log-in of its own: it sends people to allauth's, where the second factor is asked,
# and SecondFactorMiddleware keeps every admin page shut to a staff session that has not used it.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("hataraku.accounts.urls")),
    path("profile/", include("hataraku.profiles.urls")),
    # `/money/…` (the money overviews) and `/payments/…`: one app, one namespace.
    path("", include("hataraku.payments.urls")),
    path("jobs/", include(identity_urlpatterns)),
    # Saved searches and bookmarks (/jobs/saved-searches/, /jobs/bookmarks/) and alert unsubscribe (/alerts/).
    path("", include("hataraku.alerts.urls")),
    path("jobs/", include("hataraku.matching.urls")),
    path("jobs/", include("hataraku.jobs.urls")),
    path("contracts/", include("hataraku.contracts.urls")),
    path("messages/", include("hataraku.messaging.urls")),
    path("reviews/", include("hataraku.reviews.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("hataraku.core.urls")),
]
