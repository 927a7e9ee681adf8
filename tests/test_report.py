"""The HTML report: structure, highlighting, the who-said-what index (no browser)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from conftest import ROOT
from pipeline.commands import report
from pipeline.cli import main as cli_main
from pipeline.runner import run_batch


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("report_out")
    run_batch([str(ROOT / "examples" / "astana8.txt")], out, None)
    return out


class Collect(HTMLParser):
    """Start tags with their attributes, and a check that the nesting is well formed."""

    VOID = {"meta", "br", "link", "img", "input", "hr"}

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def parse(html: str) -> Collect:
    c = Collect()
    c.feed(html)
    return c


def test_report_cli_writes_one_self_contained_rtl_page(sample_out, capsys):
    assert cli_main(["report", "--out", str(sample_out)]) == 0
    path = sample_out / "report" / "index.html"
    assert str(path) in capsys.readouterr().out
    html = path.read_text(encoding="utf-8")
    assert re.search(r'<html dir="rtl" lang="ar">', html)
    c = parse(html)
    assert not c.errors and not c.stack
    # no network assets: no external src, stylesheet, import or url()
    assert not [a for t, a in c.tags if a.get("src")]
    assert not [a for t, a in c.tags if t == "link"]
    assert "@import" not in html and "url(" not in html


def test_every_quote_highlighted_with_its_cue_and_speaker(sample_out):
    html = report.write_report(sample_out).read_text(encoding="utf-8")
    quotes = pd.read_parquet(sample_out / "quotes")
    tags = parse(html).tags
    marks = {a["data-quote-id"]: a for t, a in tags if t == "mark" and a.get("data-first")}
    assert set(marks) == set(quotes["quote_id"])
    for q in quotes.itertuples():
        a = marks[q.quote_id]
        assert a["data-kind"] == q.kind
        assert a["class"] == f"q q-{q.kind}"
        assert a["data-speaker"] == (q.speaker_name or q.speaker or report.UNATTRIBUTED)
        cues = [x for t, x in tags if x.get("class") == "cue" and x.get("data-quote-id") == q.quote_id]
        assert cues, q.quote_id
        if q.speaker is not None and not pd.isna(q.speaker):
            assert [x for t, x in tags if x.get("class") == "spk" and x.get("data-quote-id") == q.quote_id]


def test_index_sorted_by_number_of_quotes(sample_out):
    views, speakers, _ = report.build(sample_out)
    counts = [len(s.quotes) for s in speakers if s.name != report.UNATTRIBUTED]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 4
    quotes = pd.read_parquet(sample_out / "quotes")
    assert sum(len(s.quotes) for s in speakers) == int(quotes["parent_quote_id"].isna().sum())
    # the most quoted speaker (nested quotes are read through their parent)
    table = pd.read_parquet(sample_out / "speakers").set_index("speaker_id")
    top = quotes[quotes["parent_quote_id"].isna()]["speaker_id"].value_counts()
    assert speakers[0].name == table.loc[top.index[0], "name"]
    assert len(speakers[0].quotes) == top.iloc[0]


def test_highlight_nests_crossing_spans_and_escapes():
    def qv(qid, n, start, end, kind, cue, speaker, sp_start, sp_end, name):
        return report.QuoteView(
            quote_id=qid, doc_id="d", number=n, start=start, end=end, text="", kind=kind, cue="قال",
            cue_start=cue[0], cue_end=cue[1], speaker=speaker, speaker_start=sp_start, speaker_end=sp_end,
            speaker_name=name, speaker_type="person", speaker_id=None, chain=[], relays=[], parent=None,
            confidence=0.5, method="m")
    q1 = qv("d:q1", 1, 0, 10, "direct", (12, 15), "<b>", 16, 20, None)
    q2 = qv("d:q2", 2, 5, 18, "indirect", (0, 2), None, None, None, "X")
    text = "أب<ج>د هوز حطي كلمن سعفص"
    html = report.highlight(text, [q1, q2])
    c = parse(f"<div>{html}</div>")
    assert not c.errors and not c.stack
    assert "<ج>" not in html and "&lt;ج&gt;" in html
    # both quotes are there, each anchored once, and the text survives intact
    firsts = [a["data-quote-id"] for t, a in c.tags if a.get("data-first")]
    assert sorted(firsts) == ["d:q1", "d:q2"]
    assert re.sub(r"<[^>]+>", "", html.replace('<sup class="qn">1</sup>', "").replace(
        '<sup class="qn">2</sup>', "")).replace("&lt;", "<").replace("&gt;", ">") == text


def test_unknown_doc_is_a_usage_error(sample_out, capsys):
    assert cli_main(["report", "--out", str(sample_out), "--doc", "nope"]) == 2
    assert "E006" in capsys.readouterr().err


def test_missing_output_is_reported(tmp_path, capsys):
    assert cli_main(["report", "--out", str(tmp_path)]) == 2
    assert "E203" in capsys.readouterr().err


def test_relay_chain_follows_the_hops_without_repeating_the_speaker():
    links = [("وزير الخارجية", "read_by"), ("البيان", "stated_in"), ("سانا", "reported_by")]
    chain = report.hops(links, ["سانا", "روسيا اليوم"], "البيان", None)
    assert chain == ["وزير الخارجية (تلاه)", "سانا (نقلته)", "روسيا اليوم"]
    assert report.hops([], ["أ ف ب", "سانا"], "X") == ["سانا", "أ ف ب"]  # relayed_by is outermost first


def test_highlight_is_linear_in_the_number_of_quotes():
    """Every span was tested at every cut: 3,000 quotes in one article took 5 s of CPU.
    Eight times the quotes must cost well under 64x (quadratic); linear is ~8x.  CPU
    time, best of three, measured in this run (a ratio, not a time)."""
    import time

    def article(n):
        unit = "وقال الوزير إن الحل قريب. "
        quotes = [report.QuoteView(
            quote_id=f"d:q{i + 1}", doc_id="d", number=i + 1, start=i * len(unit) + 15, end=i * len(unit) + 24,
            text="", kind="indirect", cue="قال", cue_start=i * len(unit), cue_end=i * len(unit) + 4,
            speaker="الوزير", speaker_start=i * len(unit) + 5, speaker_end=i * len(unit) + 11, speaker_name=None,
            speaker_type="person", speaker_id=None, chain=[], relays=[], parent=None, confidence=0.5, method="m")
            for i in range(n)]
        return unit * n, quotes

    def best(n):
        text, quotes = article(n)
        ts = []
        for _ in range(3):
            t = time.process_time()
            html = report.highlight(text, quotes)
            ts.append(time.process_time() - t)
        assert html.count('data-first="1"') == n
        return min(ts)
    assert best(2400) / max(best(300), 1e-6) < 24
