"""Webhooks refuse non-public addresses, when the platform says so, before sending anything."""

from __future__ import annotations

import pytest

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
