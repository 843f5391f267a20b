"""docker-compose.yml describes the production topology with commands that exist in the code."""

import importlib
from pathlib import Path

import yaml
from click.testing import CliRunner

from reuse.cli import main as reuse_cli

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_stack_has_every_production_service() -> None:
    assert set(SERVICES) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_redis_is_durable_and_never_evicts() -> None:
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_long_running_services_have_health_checks() -> None:
    for name in ("postgres", "redis", "web", "worker"):
        assert "test" in SERVICES[name]["healthcheck"], name


def test_the_migration_job_runs_reuse_commands_that_exist() -> None:
    script = SERVICES["migrate"]["command"][-1]
    for step in script.split("&&"):
        words = step.split()
        assert words[0] == "reuse"
        result = CliRunner().invoke(reuse_cli, [*words[1:], "--help"])
        assert result.exit_code == 0, result.output


def test_the_web_service_serves_the_app_factory() -> None:
    target = SERVICES["web"]["command"][-1]
    module, factory = target.removesuffix("()").split(":")
    assert callable(getattr(importlib.import_module(module), factory))


def test_workers_and_beat_start_celery_through_the_workers_package() -> None:
    for name, mode in (("worker", "worker"), ("beat", "beat")):
        assert SERVICES[name]["command"][:4] == ["python", "-m", "workers", mode]


def test_processes_start_after_the_migration_succeeded() -> None:
    for name in ("web", "worker", "beat"):
        assert (
            SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
