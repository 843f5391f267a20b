"""Settings come from REUSE_* variables, with defaults that give the embedded shape."""

from pathlib import Path

from reuse.config import Settings


def test_without_variables_the_platform_uses_sqlite_files_in_the_instance_folder(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env({"REUSE_INSTANCE_PATH": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'reuse.db'}"
    assert settings.broker_url == f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    assert settings.is_sqlite


def test_database_and_broker_urls_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"REUSE_DATABASE_URL": "postgresql://db/reuse", "REUSE_BROKER_URL": "redis://cache:6379/0"}
    )
    assert (settings.database_url, settings.broker_url) == (
        "postgresql://db/reuse",
        "redis://cache:6379/0",
    )
    assert not settings.is_sqlite
