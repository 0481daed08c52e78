"""The package's shape is a contract: layers along the data's path, no cycles, few top modules."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")
MAX_TOP_LEVEL_MODULES = 12


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(cwd), "PATH": str(LINT.parent)}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_import_contract_is_kept():
    """`lint-imports` (pyproject's [tool.importlinter]): layers only import downward, no cycles."""
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_the_contract_catches_an_upward_import(tmp_path):
    """The same contract, on a copy where the data layer imports a job, is broken."""
    shutil.copytree(ROOT / "tsconv", tmp_path / "tsconv")
    shutil.copytree(ROOT / "cli", tmp_path / "tsconv_cli")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    calendar = tmp_path / "tsconv" / "data" / "calendar.py"
    calendar.write_text(calendar.read_text() + "\nimport tsconv.jobs.fit  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "tsconv.data.calendar -> tsconv.jobs.fit" in result.stdout


def test_at_most_twelve_modules_stay_at_the_top_of_the_package():
    top = sorted(p.name for p in (ROOT / "tsconv").glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_private_name_is_imported_across_files():
    """Helpers two files need have public names: no `from tsconv.x import _y`."""
    offenders = []
    for file in [*(ROOT / "tsconv").rglob("*.py"), *(ROOT / "cli").rglob("*.py")]:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tsconv"):
                for alias in node.names:
                    if alias.name.startswith("_"):
                        offenders.append(f"{file.relative_to(ROOT)}: {alias.name}")
    assert offenders == []
