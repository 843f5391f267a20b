"""Signed webhooks: HMAC-SHA256 over "<timestamp>.<body>", posted as JSON with urllib."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from email.message import Message
from functools import partial
from typing import IO, Any

TIMESTAMP_HEADER = "X-Reuse-Timestamp"
SIGNATURE_HEADER = "X-Reuse-Signature"
SCHEME = "v1"


class WebhookFailed(Exception):
    """A delivery that did not reach a 2xx answer: the status when there was one, and why."""

    def __init__(self, status_code: int | None, error: str) -> None:
        self.status_code = status_code
        self.error = error
        super().__init__(error if status_code is None else f"HTTP {status_code}: {error}")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>." + body` under `secret`."""
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of a signed JSON delivery."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "reuse-webhooks/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"{SCHEME}={sign(secret, timestamp, body)}",
    }


def verify(
    secret: str,
    timestamp: int | str,
    body: bytes,
    signature: str,
    now: float,
    tolerance_s: int = 300,
) -> bool:
    """Tell whether `signature` (a `v1=<hex>` header, possibly comma-separated) is fresh and valid."""
    try:
        moment = int(timestamp)
    except ValueError:
        return False
    if abs(now - moment) > tolerance_s:
        return False
    expected = sign(secret, moment, body)
    candidates = [part.strip() for part in signature.split(",")]
    return any(
        hmac.compare_digest(value.encode(), expected.encode())
        for scheme, _, value in (c.partition("=") for c in candidates)
        if scheme == SCHEME
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook answering 3xx failed: following it would silently change the request."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def post_json(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout_s: float = 5,
    *,
    allow_private: bool = True,
) -> int:
    """POST `body` and return the 2xx status; raise WebhookFailed otherwise.

    Unless `allow_private`, a URL whose host resolves to a loopback, private, link-local or
    otherwise non-public address is refused before anything is sent (no request forgery
    against the platform's own network, e.g. a cloud metadata service).
    """
    if not url.lower().startswith(("http://", "https://")):
        raise WebhookFailed(None, "webhook URL must be http:// or https://")
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if not allow_private:
        handlers += _pinned_to(_public_addresses(url))
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310 - scheme checked above
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout_s) as response:
            status: int = response.status
    except urllib.error.HTTPError as error:
        raise WebhookFailed(error.code, str(error.reason)) from error
    except (urllib.error.URLError, OSError) as error:
        raise WebhookFailed(None, f"{type(error).__name__}: {error}") from error
    if status >= 300:
        raise WebhookFailed(status, "not a success status")
    return status


def _public_addresses(url: str) -> tuple[str, ...]:
    """The addresses the URL's host resolves to; WebhookFailed unless every one is public."""
    parts = urllib.parse.urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname or "", parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as error:
        raise WebhookFailed(None, f"cannot resolve {parts.hostname!r}: {error}") from error
    addresses = tuple(dict.fromkeys(str(address[0]) for *_, address in found))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise WebhookFailed(
                None,
                f"refused: {parts.hostname} is {ip}, not a public address "
                "(REUSE_WEBHOOK_ALLOW_PRIVATE=1 allows it)",
            )
    return addresses


def _pinned_to(addresses: tuple[str, ...]) -> list[urllib.request.BaseHandler]:
    """Handlers whose connections go to `addresses` only, the ones checked: connecting does
    not look the host up again, so a DNS answer that changed since the check (DNS rebinding)
    cannot lead to another address. No proxy either: it would look the host up itself."""
    return [
        urllib.request.ProxyHandler({}),
        _PinnedHTTPHandler(addresses),
        _PinnedHTTPSHandler(addresses),
    ]


def _connect_to(
    addresses: tuple[str, ...],
    address: tuple[str, int],
    timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
    source_address: Any = None,
) -> socket.socket:
    """Connect to the port of `address` at the first of `addresses` that answers."""
    failure = OSError(f"no address to connect to for {address[0]}")
    for ip in addresses:
        try:
            return socket.create_connection((ip, address[1]), timeout, source_address)
        except OSError as error:
            failure = error
    raise failure


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to the host's checked addresses, tried in turn."""

    def __init__(self, *args: Any, addresses: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = partial(_connect_to, addresses)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the certificate and SNI are still checked against the host name."""

    def __init__(self, *args: Any, addresses: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = partial(_connect_to, addresses)


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, addresses: tuple[str, ...]) -> None:
        super().__init__()
        self._addresses = addresses

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_PinnedHTTPConnection, addresses=self._addresses), req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, addresses: tuple[str, ...]) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(context=self._tls)
        self._addresses = addresses

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = partial(_PinnedHTTPSConnection, addresses=self._addresses)
        return self.do_open(connection, req, context=self._tls)
