"""What an entrypoint (CLI, web, worker) builds once from its settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from reuse.config import Settings
from reuse.db import make_engine, make_session_factory
from reuse.mail import Mailer, mailer_from
from reuse.services.actor_directory import ActorDirectory
from reuse.unit_of_work import AfterCommit, UnitOfWork


@dataclass
class Runtime:
    """Settings, engine and session factory, plus the hook that runs after each commit."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    after_commit: AfterCommit | None = field(default=None)
    directory: ActorDirectory = field(default_factory=ActorDirectory)

    @property
    def mailer(self) -> Mailer:
        """Where e-mails go: the SMTP server if one is set, else files in the instance folder."""
        return mailer_from(
            self.settings.smtp_url, self.settings.mail_folder, self.settings.mail_from
        )

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        """Build the runtime for `settings`, creating the instance folder for SQLite files."""
        if settings.is_sqlite:
            settings.instance_path.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings)
        return cls(settings, engine, make_session_factory(engine))

    def uow(self) -> UnitOfWork:
        """A new unit of work for one use case."""
        return UnitOfWork(self.sessions, self.after_commit)
