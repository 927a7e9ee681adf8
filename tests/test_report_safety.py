"""The report links http(s) URLs only, and a read-only output folder gets a message."""
from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser

import pytest

import unprivileged
from conftest import ROOT
from pipeline.commands import report
from pipeline.runner import RunOptions, run_batch

TEXT = "وقال وزير الخارجية عادل الجبير إن المملكة تدعم الحل السياسي في اليمن."
URLS = {"ok1": "https://aawsat.com/home/article/410826/بريطانيا",
        "ok2": "http://www.alriyadh.com/1069387",
        "js": "javascript:alert(document.cookie)",
        "js2": " JaVaScRiPt:alert(1)",
        "tab": "java\tscript:alert(1)",
        "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vb": "vbscript:msgbox(1)",
        "rel": "//evil.example/x",
        "quote": 'https://x.example/"onmouseover="alert(1)'}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


def test_only_http_urls_become_links(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"id": k, "url": u, "text": TEXT}, ensure_ascii=False) + "\n"
                           for k, u in URLS.items()), encoding="utf-8")
    out = tmp_path / "out"
    run_batch([str(src)], out, options=RunOptions(workers=1, quiet=True, progress=False))
    html = report.write_report(out).read_text(encoding="utf-8")
    p = Links()
    p.feed(html)
    external = [h for h in p.hrefs if not h.startswith("#")]
    assert sorted(external) == sorted([URLS["ok1"], URLS["ok2"]])
    assert not re.search(r'href="\s*(javascript|data|vbscript)', html, re.I)
    assert "javascript:alert(document.cookie)" in html  # still shown, as text


HOSTILE_IDS = ["<!--<script>", "a</script><script>alert(1)</script>", '"><img src=x onerror=alert(2)>']


def hostile_id_report(tmp_path):
    src = tmp_path / "ids.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": TEXT}, ensure_ascii=False) + "\n" for i in HOSTILE_IDS),
                   encoding="utf-8")
    out = tmp_path / "out"
    run_batch([str(src)], out, options=RunOptions(workers=1, quiet=True, progress=False))
    return report.write_report(out)


def test_the_report_s_json_holds_no_markup_whatever_the_ids(tmp_path):
    """The quotes' data is JSON inside <script type="application/json">: '</' alone was
    escaped, so a doc_id '<!--<script>' put the browser's parser in its 'double escaped'
    state and the block swallowed the rest of the page (no data, no search)."""
    html = hostile_id_report(tmp_path).read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="isnad-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block
    assert {k.rsplit(":", 1)[0] for k in json.loads(block)} == set(HOSTILE_IDS)
    assert html.count("<script") == 3  # the two data blocks and the page's code, nothing of the input


@pytest.mark.parametrize("url, ok", [("https://a.b/c", True), ("HTTP://A.B", True), ("javascript:x", False),
                                     ("https://a b", False), ("ftp://a.b", False), ("", False), (None, False)])
def test_safe_link(url, ok):
    assert (report.safe_link(url) is not None) is ok


SAMPLE = ROOT / "examples" / "astana8.txt"


@pytest.mark.parametrize("command", [["report"], [str(SAMPLE), "--reprocess"], ["claims"]],
                         ids=["report", "run", "claims"])
def test_a_read_only_output_folder_is_a_message(command):
    """E202 and exit 2, never a traceback: the report (it was one), a run, and run.py
    claims, which takes the output lock first (that was an unexpected PermissionError,
    E209).  Run without the power to bypass permissions (tests/unprivileged.py)."""
    unprivileged.check_works()
    d = unprivileged.shared_tmp()
    try:
        out = d / "out"
        run_batch([str(SAMPLE)], out, options=RunOptions(quiet=True, progress=False))
        for p in [out, *out.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        res = unprivileged.run([sys.executable, str(ROOT / "run.py"), *command, "--out", str(out)], cwd=ROOT)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        assert "[E202]" in res.stderr and "E209" not in res.stderr and "not writable" in res.stderr
        assert not (out / "report").exists()
    finally:
        unprivileged.cleanup(d)
