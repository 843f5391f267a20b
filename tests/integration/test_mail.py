"""The mailers: files in a folder by default, a real (local, minimal) SMTP server otherwise."""

from __future__ import annotations

import email
import email.policy
import re
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reuse.mail import FolderMailer, SmtpMailer, compose, mailer_from, message_id, parse_smtp_url

from builders import NOW


class SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept messages (and any AUTH), keeping what it received."""

    received: list[tuple[str, list[str], bytes]]

    def handle(self) -> None:
        self.reply("220 sink ready")
        sender, recipients = "", []
        while line := self.rfile.readline().decode().rstrip("\r\n"):
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-sink", "250 AUTH PLAIN LOGIN")
            elif verb == "AUTH":
                self.reply("235 ok")
            elif verb == "MAIL":
                sender = line.split(":", 1)[1].strip(" <>")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip(" <>"))
            elif verb == "DATA":
                self.reply("354 go on")
                self.received.append((sender, recipients, self.read_data()))
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            if verb in ("MAIL", "RCPT", "RSET", "NOOP", "HELO"):
                self.reply("250 ok")

    def read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        self.reply("250 queued")
        return b"".join(lines)

    def reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, list[tuple[str, list[str], bytes]]]]:
    received: list[tuple[str, list[str], bytes]] = []
    handler = type("Sink", (SmtpSink,), {"received": received})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def a_message(key: str = "offer:42"):  # type: ignore[no-untyped-def]
    return compose(
        to="ressourcerie@example.org",
        subject="Proposition : Canapé",
        body="Bonjour,",
        dedup_key=key,
        now=NOW,
    )


def test_the_folder_mailer_writes_one_eml_file_per_message_with_the_sender_filled_in(
    tmp_path: Path,
) -> None:
    mailer = FolderMailer(tmp_path / "mail", "reuse <no-reply@reuse.test>")

    mailer.send(a_message("offer:1"))
    mailer.send(a_message("offer:2"))

    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    assert all(re.fullmatch(r"\d{8}T\d{12}Z-[0-9a-f]{32}\.eml", f.name) for f in files)
    first = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert (first["From"], first["Subject"]) == (
        "reuse <no-reply@reuse.test>",
        "Proposition : Canapé",
    )


def test_the_message_id_is_the_same_for_the_same_dedup_key_and_differs_otherwise() -> None:
    assert a_message("offer:1")["Message-ID"] == a_message("offer:1")["Message-ID"]
    assert message_id("offer:1") != message_id("offer:2")
    assert re.fullmatch(r"<[0-9a-f]{32}\.notification@reuse\.invalid>", message_id("offer:1"))


def test_the_smtp_mailer_sends_through_a_real_smtp_session(smtp_sink) -> None:  # type: ignore[no-untyped-def]
    port, received = smtp_sink
    mailer = SmtpMailer(f"smtp://user%40x:p%3Ass@127.0.0.1:{port}", "reuse <no-reply@reuse.test>")

    mailer.send(a_message())

    [(sender, recipients, data)] = received
    assert (sender, recipients) == ("no-reply@reuse.test", ["ressourcerie@example.org"])
    assert message_id("offer:42").encode() in data


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, False, False, None, None)),
        (
            "smtp://u:p@mail.example.org:587?starttls=1",
            ("mail.example.org", 587, False, True, "u", "p"),
        ),
        (
            "smtps://a%40b.fr:s%2Fecret@smtp.example.org",
            ("smtp.example.org", 465, True, False, "a@b.fr", "s/ecret"),
        ),
    ],
)
def test_smtp_urls_are_parsed_into_host_port_tls_and_credentials(
    url: str, expected: tuple[object, ...]
) -> None:
    server = parse_smtp_url(url)
    found = (
        server.host,
        server.port,
        server.implicit_tls,
        server.starttls,
        server.username,
        server.password,
    )
    assert found == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org:25"])
def test_an_smtp_url_that_is_not_one_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="smtp"):
        parse_smtp_url(url)


def test_without_an_smtp_url_mail_goes_to_the_folder(tmp_path: Path) -> None:
    assert isinstance(mailer_from(None, tmp_path, "reuse <x@y.z>"), FolderMailer)
    assert isinstance(mailer_from("smtp://127.0.0.1:1", tmp_path, "reuse <x@y.z>"), SmtpMailer)
