"""Shell completion through Typer's standard mechanism, from the installed `tsconv` script."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "tsconv"


@pytest.mark.skipif(not SCRIPT.exists(), reason="the tsconv script is not installed here")
@pytest.mark.parametrize(
    "words, expected",
    [
        ("tsconv fo", "forecast"),
        ("tsconv forecast --ho", "--horizon"),
        ("tsconv image pr", "predict"),
    ],
)
def test_bash_completion_completes_commands_and_options(words, expected):
    env = {
        **os.environ,
        "_TSCONV_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    result = subprocess.run(
        [str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [expected]


def test_the_completion_script_names_tsconv():
    from typer.testing import CliRunner

    from tsconv_cli.main import app

    result = CliRunner().invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0 and "complete -o default -F _tsconv_completion tsconv" in (
        result.output
    )
