"""Atomic writes: the whole file or the old one, never half, and no temporary left."""

import pytest

from tsconv.errors import InputError
from tsconv.files import write_atomically


def test_write_atomically_replaces_the_file(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old")
    assert write_atomically(path, lambda tmp: tmp.write_text("new")) == path
    assert path.read_text() == "new" and list(tmp_path.iterdir()) == [path]


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old")

    def half_then_fail(tmp):
        tmp.write_text("ha")
        raise OSError("disk full")

    with pytest.raises(InputError, match=r"cannot write .*out.csv \(disk full\)"):
        write_atomically(path, half_then_fail)  # one line for the user, not a traceback
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]


def test_spreadsheet_text_round_trips_what_spreadsheet_safe_wrote():
    import pandas as pd

    from tsconv.files import spreadsheet_safe, spreadsheet_text

    frame = pd.DataFrame(
        {"=HYPERLINK(1)": [1.0], "'=already quoted": [2.0], "-x": [3.0], "-5": [4.0]},
        index=pd.Index(["+1"], name="@t"),
    )
    safe = spreadsheet_safe(frame)
    assert list(safe.columns) == ["'=HYPERLINK(1)", "''=already quoted", "'-x", "-5"]
    assert safe.index.tolist() == ["'+1"] and safe.index.name == "'@t"
    pd.testing.assert_frame_equal(spreadsheet_text(safe), frame)
