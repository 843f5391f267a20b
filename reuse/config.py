"""Settings read once from the environment at each entrypoint; defaults give the embedded shape."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PREFIX = "REUSE_"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a running platform."""

    instance_path: Path
    database_url: str
    broker_url: str
    sqlite_busy_timeout_ms: int = 30_000
    log_level: str = "INFO"
    smtp_url: str | None = None
    mail_from: str = "reuse <no-reply@reuse.invalid>"
    relay_interval_s: float = 2.0
    visibility_timeout_s: int = 3600
    rematch_after_s: int = 180
    token_trust_s: float = 5.0
    webhook_allow_private: bool = True
    secret_key: str | None = None
    cookie_secure: bool = True
    ratelimit_storage_url: str = "memory://"
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

    @property
    def mail_folder(self) -> Path:
        """Where e-mails are written when no SMTP server is configured."""
        return self.instance_path / "mail"

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the database is an SQLite file (the embedded shape)."""
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `REUSE_*` variables (os.environ by default)."""
        env = os.environ if environ is None else environ
        instance = Path(env.get(f"{PREFIX}INSTANCE_PATH", "instance")).resolve()
        database_url = env.get(f"{PREFIX}DATABASE_URL", f"sqlite:///{instance / 'reuse.db'}")
        broker_url = env.get(f"{PREFIX}BROKER_URL", f"sqla+sqlite:///{instance / 'broker.db'}")
        return cls(
            instance_path=instance,
            database_url=database_url,
            broker_url=broker_url,
            sqlite_busy_timeout_ms=int(env.get(f"{PREFIX}SQLITE_BUSY_TIMEOUT_MS", "30000")),
            log_level=env.get(f"{PREFIX}LOG_LEVEL", "INFO"),
            smtp_url=env.get(f"{PREFIX}SMTP_URL") or None,
            mail_from=env.get(f"{PREFIX}MAIL_FROM", "reuse <no-reply@reuse.invalid>"),
            relay_interval_s=float(env.get(f"{PREFIX}RELAY_INTERVAL_S", "2")),
            visibility_timeout_s=int(env.get(f"{PREFIX}VISIBILITY_TIMEOUT_S", "3600")),
            rematch_after_s=int(env.get(f"{PREFIX}REMATCH_AFTER_S", "180")),
            token_trust_s=float(env.get(f"{PREFIX}TOKEN_TRUST_S", "5")),
            webhook_allow_private=env.get(f"{PREFIX}WEBHOOK_ALLOW_PRIVATE", "1")
            not in {"0", "false", "no"},
            secret_key=env.get(f"{PREFIX}SECRET_KEY") or None,
            cookie_secure=env.get(f"{PREFIX}COOKIE_SECURE", "1") not in {"0", "false", "no"},
            ratelimit_storage_url=env.get(f"{PREFIX}RATELIMIT_STORAGE_URL", "memory://"),
            tile_url=env.get(f"{PREFIX}TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        )
