"""Outgoing e-mail: written to a folder by default, sent over SMTP when a server is configured."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

logger = logging.getLogger(__name__)

MESSAGE_ID_DOMAIN = "reuse.invalid"
SMTP_TIMEOUT_S = 30


class Mailer(Protocol):
    """Sends one composed message (its From is filled in by the mailer when missing)."""

    def send(self, message: EmailMessage) -> None: ...


def message_id(dedup_key: str) -> str:
    """A Message-ID derived from a dedup key, so a replayed e-mail carries the same id."""
    digest = hashlib.sha256(dedup_key.encode()).hexdigest()[:32]
    return f"<{digest}.notification@{MESSAGE_ID_DOMAIN}>"  # short enough never to be folded


def compose(*, to: str, subject: str, body: str, dedup_key: str, now: datetime) -> EmailMessage:
    """A plain-text UTF-8 e-mail whose Message-ID is deterministic."""
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(dedup_key)
    message["X-Reuse-Dedup-Key"] = dedup_key
    message.set_content(body)
    return message


class FolderMailer:
    """Writes each message as `<timestamp>-<uuid>.eml` in a folder: no mail server needed."""

    def __init__(self, folder: Path, sender: str = "reuse <no-reply@reuse.invalid>") -> None:
        self.folder = folder
        self.sender = sender

    def send(self, message: EmailMessage) -> None:
        """Write the message to a new file of the folder (created on first use)."""
        _fill_sender(message, self.sender)
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex}.eml"
        path.write_bytes(bytes(message))
        logger.info("mail to %s written to %s: %s", message["To"], path, message["Subject"])


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to reach an SMTP server, parsed from `smtp://` or `smtps://` URLs."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    """Parse `smtp[s]://user:pass@host:port[?starttls=1]`, refusing other schemes."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"not an smtp:// or smtps:// URL with a host: {parts.scheme}://…")
    implicit_tls = parts.scheme == "smtps"
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or (465 if implicit_tls else 25),
        implicit_tls=implicit_tls,
        starttls=starttls and not implicit_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class SmtpMailer:
    """Sends each message over one short SMTP session (TLS as the URL says)."""

    def __init__(self, url: str, sender: str) -> None:
        self.server = parse_smtp_url(url)
        self.sender = sender

    def send(self, message: EmailMessage) -> None:
        """Connect, authenticate if the URL has credentials, send, disconnect."""
        _fill_sender(message, self.sender)
        with self._connect() as smtp:
            if self.server.username is not None:
                smtp.login(self.server.username, self.server.password or "")
            smtp.send_message(message)
        logger.info("mail to %s sent via %s", message["To"], self.server.host)

    def _connect(self) -> smtplib.SMTP:
        server, context = self.server, ssl.create_default_context()
        if server.implicit_tls:
            return smtplib.SMTP_SSL(
                server.host, server.port, timeout=SMTP_TIMEOUT_S, context=context
            )
        smtp = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT_S)
        if server.starttls:
            smtp.starttls(context=context)
        return smtp


def mailer_from(smtp_url: str | None, folder: Path, sender: str) -> Mailer:
    """An SMTP mailer when a URL is configured, else the folder mailer (the embedded default)."""
    if smtp_url:
        return SmtpMailer(smtp_url, sender)
    return FolderMailer(folder, sender)


def _fill_sender(message: EmailMessage, sender: str) -> None:
    if message["From"] is None:
        message["From"] = sender
