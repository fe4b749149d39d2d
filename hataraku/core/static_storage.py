"""WhiteNoise's compressed, hashed static files, with each URL kept once worked out: the manifest does not
change while the process runs, and `{% static %}` (two on every page) cost ≈ 0.1 ms each (issue 9, item 4)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or settings.DEBUG or name is None:
            return str(super().url(name, force))
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = str(super().url(name))
        return url
