"""A Stripe HTTP client that answers with recorded API responses and remembers what the SDK sent, so the
adapter is tested against the real SDK without the network."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import stripe

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


class RecordedHTTPClient(stripe.HTTPClient):
    name = "recorded"

    def __init__(self, *responses: tuple[int, dict[str, Any]]) -> None:
        super().__init__()
        self.responses = list(responses)
        self.calls: list[dict[str, Any]] = []

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, *, _usage: Any = None
    ) -> Any:
        body = post_data.decode() if isinstance(post_data, bytes) else (post_data or "")
        self.calls.append(
            {"method": method.upper(), "url": url, "headers": dict(headers or {}), "params": parse_qs(body)}
        )
        status, payload = self.responses.pop(0)
        return json.dumps(payload), status, {"Request-Id": "req_recorded"}

    def close(self) -> None:
        pass


def client_with(*responses: tuple[int, dict[str, Any]]) -> tuple[stripe.StripeClient, RecordedHTTPClient]:
    http = RecordedHTTPClient(*responses)
    return stripe.StripeClient("sk_test_recorded", http_client=http, max_network_retries=0), http


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
