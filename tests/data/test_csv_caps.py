"""Issue 23, items 3, 5 and 9: caps count what is read (decompressed text, data rows, not
blank lines; columns), and one-line errors stay one short line whatever the file holds."""

import bz2
import gzip
import lzma
import resource
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

from tsconv import InputError, load_csv
from tsconv.errors import MAX_MESSAGE, listed, quoted

ROWS = "date,v\n" + "".join(f"2020-01-{d:02d},{d}.5\n" for d in range(1, 29))


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zip"])
def test_compressed_files_read_as_their_text(tmp_path, suffix):
    path = tmp_path / f"data.csv{suffix}"
    if suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.csv", ROWS)
    else:
        opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix]
        with opener(path, "wt") as f:
            f.write(ROWS)
    np.testing.assert_allclose(load_csv(path).values[:3, 0], [1.5, 2.5, 3.5])


def test_a_small_gzip_holding_a_huge_cell_is_capped_by_its_text(tmp_path, monkeypatch):
    """A 1 MB .csv.gz with a 1 GiB cell passed a 2 MB cap and reached 3.1 GB: the cap now
    counts the decompressed bytes, and reading stops one byte past it."""
    path = tmp_path / "cell.csv.gz"
    with gzip.open(path, "wb") as f:
        f.write(b"date,v\n2020-01-01,1\n2020-01-02,")
        block = b"9" * (1 << 24)
        for _ in range(64):  # 1 GiB of digits, about 1 MB compressed
            f.write(block)
        f.write(b"\n")
    assert path.stat().st_size < 2 << 20
    monkeypatch.setenv("TSCONV_MAX_CSV_BYTES", str(2 << 20))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match=r"decompresses to more than the cap of 2,097,152"):
        load_csv(path)
    added = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert added < 100, f"the refusal added {added:.0f} MiB to the peak RSS"


def test_damaged_or_mislabelled_compression_is_one_line(tmp_path):
    fake = tmp_path / "data.csv.gz"
    fake.write_text(ROWS)  # plain text named .gz: pandas would fail to decompress it
    with pytest.raises(InputError, match="is named like a gzip file but is not one"):
        load_csv(fake)
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(gzip.compress(ROWS.encode())[:40])
    with pytest.raises(InputError, match=r"is a damaged gzip file"):
        load_csv(broken)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.csv", ROWS)
        archive.writestr("b.csv", ROWS)
    with pytest.raises(InputError, match="holds 2 files; a zip must hold one CSV file"):
        load_csv(two)


def test_blank_lines_are_not_counted_as_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("TSCONV_MAX_CSV_ROWS", "28")
    path = tmp_path / "blank.csv"
    path.write_text(ROWS.replace("\n2020-01-1", "\n\n\n2020-01-1"))  # 20 blank lines
    assert len(load_csv(path)) == 28
    path.write_text(ROWS + "2020-01-29,29\n")
    with pytest.raises(InputError, match="more than 28 data rows"):
        load_csv(path)


def test_a_million_columns_are_refused_at_once_in_one_short_line(tmp_path):
    """A million-column CSV took two minutes to give a 10.9 MB error line."""
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n" + "1," * 999_999 + "1\n")
    script = textwrap.dedent(
        f"""
        import time, tsconv
        start = time.perf_counter()
        try:
            tsconv.load_csv({str(path)!r})
        except tsconv.InputError as exc:
            print(round(time.perf_counter() - start, 2), len(str(exc)), exc)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    seconds, length, message = done.stdout.split(" ", 2)
    assert float(seconds) < 5 and int(length) < 200
    assert "columns, above the cap of 10,000; raise TSCONV_MAX_CSV_COLUMNS" in message


def test_a_200_megabyte_cell_gives_a_short_line(tmp_path):
    path = tmp_path / "cell.csv"
    path.write_text("date,v\n2020-01-01,1\n2020-01-02," + "x" * 20_000_000 + "\n")
    with pytest.raises(InputError) as caught:
        load_csv(path)
    assert len(str(caught.value)) < 300 and "holds text at line 3: 'xxxx" in str(caught.value)
    names = ",".join(f"col{i}" for i in range(5000))
    wide = tmp_path / "names.csv"
    wide.write_text(f"date,{names}\n2020-01-01," + ",".join("a" * 5000) + "\n")
    with pytest.raises(
        InputError, match=r"the file has columns \['date', 'col0', .*, … 4,991 more"
    ):
        load_csv(wide, target="nope")


def test_every_message_is_one_bounded_line():
    assert quoted("y" * 200) == repr("y" * 80 + "…") and listed(range(3)) == "['0', '1', '2']"
    message = str(InputError("first line\nsecond " + "z" * 5000))
    assert "\n" not in message and len(message) <= MAX_MESSAGE
    assert message.endswith("more characters)")
