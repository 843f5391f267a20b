"""Stored password hashes: scrypt, and no password for accounts that must never sign in."""

import pytest

from reuse.services.accounts import hash_password, verify_password


@pytest.mark.parametrize("stored", ["!", "", "scrypt$1$2"])
def test_no_password_matches_an_account_without_a_scrypt_hash(stored: str) -> None:
    assert verify_password("correct horse battery", stored) is False


def test_the_password_matches_its_own_hash_only() -> None:
    stored = hash_password("correct horse battery")
    assert verify_password("correct horse battery", stored) is True
    assert verify_password("correct horse battery staple", stored) is False
