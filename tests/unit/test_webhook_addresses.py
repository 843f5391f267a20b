"""Webhooks refuse non-public addresses, when the platform says so, before sending anything."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from reuse import webhooks
from reuse.webhooks import WebhookFailed, post_json

NON_PUBLIC = (
    "http://127.0.0.1:9/hook",
    "http://localhost:9/hook",
    "http://10.1.2.3/hook",
    "http://192.168.1.10/hook",
    "http://172.16.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",  # a cloud metadata service
    "http://[::1]:9/hook",
    "http://0.0.0.0/hook",
)


@pytest.mark.parametrize("url", NON_PUBLIC)
def test_a_webhook_to_a_non_public_address_is_refused_before_anything_is_sent(url: str) -> None:
    with pytest.raises(WebhookFailed, match="not a public address") as refused:
        post_json(url, b"{}", {}, allow_private=False)
    assert refused.value.status_code is None


def test_a_public_address_passes_the_check_and_is_posted_to() -> None:
    with pytest.raises(WebhookFailed) as failed:  # nothing answers here: no route out
        post_json("http://1.1.1.1:9/hook", b"{}", {}, timeout_s=0.2, allow_private=False)
    assert "not a public address" not in failed.value.error


PUBLIC = "93.184.216.34"


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_webhook_connects_to_the_address_it_checked_without_a_second_lookup(
    scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS rebinding: the first answer is public, any later one would be the loopback.
    answers = iter([PUBLIC])
    lookups: list[str] = []

    def resolve(host: str, port: int, *_: Any, **__: Any) -> list[Any]:
        lookups.append(host)
        ip = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    reached: list[tuple[str, int]] = []

    def connect(address: tuple[str, int], *_: Any, **__: Any) -> socket.socket:
        reached.append(address)
        raise ConnectionRefusedError("nobody here")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    with pytest.raises(WebhookFailed, match="nobody here"):
        post_json(f"{scheme}://hooks.example:8443/hook", b"{}", {}, allow_private=False)
    assert lookups == ["hooks.example"]
    assert reached == [(PUBLIC, 8443)]


def test_a_pinned_delivery_reaches_the_checked_address_under_the_url_host_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    received: list[tuple[str | None, bytes]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Host"], body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    port = server.server_address[1]
    threading.Thread(target=server.handle_request, daemon=True).start()
    # The check's answer for a name nothing resolves: the loopback, as if it were public.
    monkeypatch.setattr(webhooks, "_public_addresses", lambda _url: ("127.0.0.1",))
    try:
        status = post_json(f"http://hooks.invalid:{port}/hook", b'{"a": 1}', {},
                           allow_private=False)  # fmt: skip
    finally:
        server.server_close()
    assert status == 204
    assert received == [(f"hooks.invalid:{port}", b'{"a": 1}')]
