"""The JSON API (django-ninja). Each app contributes a Router from its api.py."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Hataraku API",
    version="1",
    description="Hataraku (働く) JSON API. Amounts are integer yen.",
    urls_namespace="api",
)


@api.get("/health", tags=["core"])
def health(request):  # type: ignore[no-untyped-def]
    return {"status": "ok"}
