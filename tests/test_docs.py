"""The README documents every setting, and CI runs the README's test command."""

import re

from app.config import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"`DIGITPAD_{name.upper()}`" in README, f"DIGITPAD_{name.upper()} is undocumented"


def test_the_settings_table_lists_only_real_settings() -> None:
    table = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `DIGITPAD_([A-Z_]+)`", table, re.M))
    assert documented == {name.upper() for name in Settings.model_fields}


def test_ci_runs_the_readme_test_command() -> None:
    match = re.search(r"## Run the tests\n.*?```sh\n(.+?)\n```", README, re.S)
    assert match, "README lacks a '## Run the tests' section with a sh block"
    command = match.group(1).strip()
    assert command in (PROJECT_ROOT / ".ci" / "run").read_text()
