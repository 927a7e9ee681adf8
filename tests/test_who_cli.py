"""`who` through the installed `isnad` command: a closed pipe is no error."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.runner import RunOptions, run_batch

ISNAD = Path(sys.executable).parent / "isnad"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("whocli")
    text = "وقال وزير الخارجية عادل الجبير إن المملكة تدعم الحل السياسي. وأضاف الجبير أن الرياض لن تتردد."
    src = d / "a.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": text, "source": "aawsat", "date": "2015-07-21",
                                       "url": f"https://aawsat.com/{i}", "title": f"عنوان {i}"},
                                      ensure_ascii=False) + "\n" for i in range(300)), encoding="utf-8")
    run_batch([str(src)], d / "out", options=RunOptions(workers=1, quiet=True, progress=False))
    return d / "out"


def test_the_isnad_command_is_installed():
    res = subprocess.run([str(ISNAD), "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "--title-field" in res.stdout and "who" in res.stdout


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_who_into_a_closed_pipe_prints_no_traceback(out, fmt):
    cmd = f"'{ISNAD}' who الجبير --out '{out}' --format {fmt} | head -n 2"
    res = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True)
    assert len(res.stdout.splitlines()) == 2
    assert "Traceback" not in res.stderr and "BrokenPipe" not in res.stderr, res.stderr
    assert res.returncode == 0


def test_who_reader_gone_before_the_first_line(out):
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "who", "الجبير", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()  # nobody reads: the first write meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait() == 0 and "Traceback" not in err, err


def test_who_csv_has_url_and_title(out):
    res = subprocess.run([str(ISNAD), "who", "الجبير", "--out", str(out), "--format", "csv", "--limit", "3"],
                         capture_output=True, text=True)
    header, first = res.stdout.splitlines()[:2]
    cols = header.split(",")
    assert {"url", "title", "date", "outlet"} <= set(cols)
    row = dict(zip(cols, first.split(",")))
    assert row["url"].startswith("https://aawsat.com/") and row["title"].startswith("عنوان")
    assert row["outlet"] == "الشرق الأوسط" and row["date"] == "2015-07-21T00:00:00+00:00"
