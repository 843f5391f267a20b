"""The topology started without Docker runs exactly the commands of docker-compose.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from web import topology

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())


@pytest.mark.parametrize(
    ("service", "command"),
    [("web", topology.WEB), ("worker", topology.WORKER), ("beat", topology.BEAT)],
)
def test_each_process_runs_its_compose_service_command(
    service: str, command: tuple[str, ...]
) -> None:
    assert COMPOSE["services"][service]["command"] == list(command)


def test_only_the_bind_address_the_programs_and_the_schedule_folder_change_here() -> None:
    web = topology.here(topology.WEB, 8123, Path("/srv/reuse"))
    beat = topology.here(topology.BEAT, 8123, Path("/srv/reuse"))
    assert web[1:3] == ["--bind", "127.0.0.1:8123"]
    assert web[3:] == list(topology.WEB[3:])
    assert Path(web[0]).name == "gunicorn"
    assert Path(beat[0]).name.startswith("python")
    assert beat[1:] == [*topology.BEAT[1:-1], "--schedule=/srv/reuse/beat-schedule"]
