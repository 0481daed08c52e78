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


@pytest.mark.skipif(not SCRIPT.exists(), reason="the tsconv script is not installed here")
def test_the_completion_script_names_tsconv():
    # In a fresh process, as a user's shell runs it (in-process, a CliRunner call once
    # exited 1 under xdist after other tests had used the app in that worker).
    # `--show-completion` takes no shell name here: it asks shellingham, which reads the
    # process tree and finds no shell under pytest-xdist ("Shell  not supported"). The
    # variable it would set names the shell outright.
    result = subprocess.run(
        [str(SCRIPT)],
        env={**os.environ, "_TSCONV_COMPLETE": "source_bash"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "complete -o default -F _tsconv_completion tsconv" in result.stdout
