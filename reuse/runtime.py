"""What an entrypoint (CLI, web, worker) builds once from its settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from reuse.config import Settings
from reuse.db import make_engine, make_session_factory, read_only
from reuse.mail import Mailer, mailer_from
from reuse.services.actor_directory import ActorDirectory
from reuse.unit_of_work import AfterCommit, UnitOfWork
from reuse.webhooks import post_json


@dataclass
class Runtime:
    """Settings, engine and session factories, plus the hook that runs after each commit.

    `readers` are the sessions of use cases that only read (by default `sessions`; `start`
    gives them the read-only engine).
    """

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    after_commit: AfterCommit | None = field(default=None)
    directory: ActorDirectory = field(default_factory=ActorDirectory)
    readers: sessionmaker[Session] | None = field(default=None)

    @property
    def mailer(self) -> Mailer:
        """Where e-mails go: the SMTP server if one is set, else files in the instance folder."""
        return mailer_from(
            self.settings.smtp_url, self.settings.mail_folder, self.settings.mail_from
        )

    @property
    def webhook_post(self) -> Callable[[str, bytes, Mapping[str, str]], int]:
        """How webhooks are posted: to public addresses only, unless private ones are allowed."""
        return partial(post_json, allow_private=self.settings.webhook_allow_private)

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        """Build the runtime for `settings`, creating the instance folder for SQLite files."""
        if settings.is_sqlite:
            settings.instance_path.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings)
        return cls(
            settings,
            engine,
            make_session_factory(engine),
            readers=make_session_factory(read_only(engine)),
        )

    def uow(self) -> UnitOfWork:
        """A new unit of work for one use case."""
        return UnitOfWork(self.sessions, self.after_commit)

    def reading(self) -> UnitOfWork:
        """A new unit of work for a use case that only reads."""
        return UnitOfWork(self.readers or self.sessions, reading=True)
