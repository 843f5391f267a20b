"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>", fresh and untampered only."""

import pytest

from reuse.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, signed_headers, verify

SECRET = "whsec-test"
BODY = b'{"type":"offer.created","offer_id":7}'
AT = 1_773_133_200


def test_a_signed_body_verifies_with_the_same_secret() -> None:
    headers = signed_headers(SECRET, AT, BODY)
    assert headers[TIMESTAMP_HEADER] == str(AT)
    assert verify(SECRET, headers[TIMESTAMP_HEADER], BODY, headers[SIGNATURE_HEADER], now=AT + 5)


def test_the_signature_header_is_v1_and_the_hex_hmac_of_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), f"{AT}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, AT, BODY) == expected
    assert signed_headers(SECRET, AT, BODY)[SIGNATURE_HEADER] == f"v1={expected}"


@pytest.mark.parametrize(
    ("secret", "timestamp", "body"),
    [
        (SECRET, AT, BODY.replace(b"7", b"8")),
        ("another-secret", AT, BODY),
        (SECRET, AT + 1, BODY),
    ],
    ids=["tampered body", "wrong secret", "replayed with another timestamp"],
)
def test_a_tampered_delivery_is_refused(secret: str, timestamp: int, body: bytes) -> None:
    signature = f"v1={sign(SECRET, AT, BODY)}"
    assert not verify(secret, timestamp, body, signature, now=AT)


@pytest.mark.parametrize("age_s", [301, -301, 86_400])
def test_a_stale_or_future_timestamp_is_refused_even_with_a_valid_signature(age_s: int) -> None:
    signature = f"v1={sign(SECRET, AT, BODY)}"
    assert not verify(SECRET, AT, BODY, signature, now=AT + age_s)


def test_a_timestamp_within_tolerance_is_accepted() -> None:
    signature = f"v1={sign(SECRET, AT, BODY)}"
    assert verify(SECRET, AT, BODY, signature, now=AT + 300)


@pytest.mark.parametrize("signature", ["", "v0=abc", sign(SECRET, AT, BODY), "v1=zz"])
def test_a_malformed_signature_is_refused(signature: str) -> None:
    assert not verify(SECRET, AT, BODY, signature, now=AT)


def test_one_valid_signature_among_several_is_enough_for_secret_rotation() -> None:
    header = f"v1={sign('old-secret', AT, BODY)}, v1={sign(SECRET, AT, BODY)}"
    assert verify(SECRET, AT, BODY, header, now=AT)


def test_a_timestamp_that_is_not_a_number_is_refused() -> None:
    assert not verify(SECRET, "yesterday", BODY, f"v1={sign(SECRET, AT, BODY)}", now=AT)
