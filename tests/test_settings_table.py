"""The README's settings table and the Settings struct name the same ZSB_* variables."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from api.settings import PREFIX, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def _table_variables() -> set[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `ZSB_")]
    # only the first column names variables; the meaning may mention others
    return {name for row in rows for name in re.findall(r"`(ZSB_[A-Z0-9_]+)`", row.split("|")[1])}


def test_the_readme_settings_table_lists_exactly_the_settings_the_struct_reads():
    struct = {PREFIX + f.name.upper() for f in msgspec.structs.fields(Settings)}
    table = _table_variables()
    assert not struct - table, f"settings missing from the README table: {sorted(struct - table)}"
    assert not table - struct, f"README table rows that are no setting: {sorted(table - struct)}"
