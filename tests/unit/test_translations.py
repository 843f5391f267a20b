"""Every text the pages show has its French translation in the catalog."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
FRENCH = ROOT / "web/translations/fr/LC_MESSAGES/messages.po"


def extracted_messages(tmp_path: Path) -> set[str]:
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with template.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_every_message_of_the_code_and_templates_is_translated_to_french(tmp_path: Path) -> None:
    with FRENCH.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = extracted_messages(tmp_path) - translated
    assert not missing, f"run `make messages` and translate: {sorted(missing)}"
