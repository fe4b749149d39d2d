"""The JSON API (django-ninja). Each app contributes a Router from its api.py."""

from ninja import NinjaAPI

from config.api_errors import install_error_handlers
from hataraku.alerts.api import router as alerts_router
from hataraku.matching.api import router as matching_router
from hataraku.payments.api import router as payments_router

api = NinjaAPI(
    title="Hataraku API",
    version="1",
    description="Hataraku (働く) JSON API. Amounts are integer yen.",
    urls_namespace="api",
    # The schema is published at /api/openapi.json. The bundled Swagger UI page is not served: it does not
    # meet WCAG 2.2 AA (every page we serve must), and the JSON works with any client a developer prefers.
    docs_url=None,
)
install_error_handlers(api)
api.add_router("/money/", payments_router)
api.add_router("/me/", matching_router)
api.add_router("/me/", alerts_router)  # saved searches and bookmarks


@api.get("/health", tags=["core"])
def health(request):  # type: ignore[no-untyped-def]
    return {"status": "ok"}
