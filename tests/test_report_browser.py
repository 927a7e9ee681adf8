"""The founding article's report in a real browser (headless Chromium via Selenium).

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and
the ``selenium`` package (the ``test`` extra).  Skipped only when Chromium is absent.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from pipeline.commands import report
from pipeline.runner import run_batch

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = Path("/tmp/isnad_report.png")

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium chromium-driver; .ci/run does)",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    drv.set_page_load_timeout(30)
    yield drv
    drv.quit()


@pytest.fixture(scope="module")
def page(tmp_path_factory, browser):
    out = tmp_path_factory.mktemp("browser_out")
    run_batch([str(ROOT / "examples" / "astana8.txt")], out, None)
    path = report.write_report(out, ["astana8"])
    browser.get(path.as_uri())
    return browser, out


def test_page_is_right_to_left(page):
    drv, _ = page
    assert drv.execute_script("return document.documentElement.dir") == "rtl"
    assert drv.execute_script("return document.documentElement.lang") == "ar"
    # self-contained: the page loaded no other resource (fonts, styles, scripts, images)
    assert drv.execute_script("return performance.getEntriesByType('resource').length") == 0
    art = drv.find_element("css selector", ".article")
    assert drv.execute_script("return getComputedStyle(arguments[0]).direction", art) == "rtl"
    # laid out right to left: the first line of the article starts at the box's right edge
    first, box = drv.execute_script(
        "var a = arguments[0], w = document.createTreeWalker(a, NodeFilter.SHOW_TEXT), n;"
        "while ((n = w.nextNode()) && !n.textContent.trim()) {}"
        "var r = document.createRange(); r.setStart(n, 0); r.setEnd(n, 1);"
        "var b = a.getBoundingClientRect(); return [r.getBoundingClientRect().right, [b.left, b.right]];", art)
    assert abs(first - box[1]) < 30 and first - box[0] > 0.5 * (box[1] - box[0])


def test_every_quote_is_highlighted_in_distinct_styles(page):
    drv, out = page
    quotes = pd.read_parquet(out / "quotes")
    assert len(quotes) >= 10
    styles = {}
    for q in quotes.itertuples():
        els = drv.find_elements("css selector", f'.article mark.q[data-quote-id="{q.quote_id}"]')
        assert els, f"quote {q.quote_id} is not highlighted"
        el = els[0]
        assert el.is_displayed()
        assert el.get_attribute("data-kind") == q.kind
        bg, border = drv.execute_script(
            "var s = getComputedStyle(arguments[0]); return [s.backgroundColor + s.backgroundImage, "
            "s.borderBottomStyle + s.borderBottomColor];", el)
        assert bg not in ("rgba(0, 0, 0, 0)none", "transparentnone"), q.quote_id
        styles.setdefault(q.kind, set()).add((bg, border))
        assert drv.find_elements("css selector", f'.article .cue[data-quote-id="{q.quote_id}"]')
    # each kind looks the same everywhere, and differently from the other kinds
    assert all(len(v) == 1 for v in styles.values())
    looks = [next(iter(v)) for v in styles.values()]
    assert len(set(looks)) == len(looks) >= 2


def test_index_lists_the_speakers(page):
    drv, out = page
    items = drv.find_elements("css selector", "#index li.speaker")
    names = [li.get_attribute("data-speaker") for li in items]
    counts = [int(li.get_attribute("data-count")) for li in items]
    speakers = pd.read_parquet(out / "speakers")
    quotes = pd.read_parquet(out / "quotes")
    assert set(names) <= set(speakers["name"]) | {report.UNATTRIBUTED}
    for name in speakers.loc[speakers["n_quotes"] > 0, "name"]:
        assert name in names, name
    # every quote is listed under exactly one speaker, the one the tables give it
    listed = {}
    for li in items:
        for a in li.find_elements("css selector", "ul.said a[data-goto]"):
            assert a.get_attribute("data-goto") not in listed
            listed[a.get_attribute("data-goto")] = li.get_attribute("data-speaker")
    top = quotes[quotes["parent_quote_id"].isna()]
    assert set(listed) == set(top["quote_id"])
    names_by_id = dict(zip(speakers["speaker_id"], speakers["name"]))
    for q in top.itertuples():
        if isinstance(q.speaker_id, str):
            assert listed[q.quote_id] == names_by_id[q.speaker_id]
    assert counts == sorted(counts, reverse=True)
    assert items[0].find_element("css selector", ".name").text == names[0]
    assert "عبد الرحمانوف" in " ".join(names)


def test_hover_shows_the_side_panel_and_screenshot(page):
    from selenium.webdriver.common.action_chains import ActionChains

    drv, out = page
    quotes = pd.read_parquet(out / "quotes")
    q = quotes[quotes["kind"] == "direct"].iloc[0]
    el = drv.find_element("css selector", f'.article mark.q[data-first][data-quote-id="{q.quote_id}"]')
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    ActionChains(drv).move_to_element(el).perform()
    assert drv.find_element("id", "panel-body").is_displayed()
    assert drv.find_element("id", "p-speaker").text == q.speaker_name
    assert drv.find_element("id", "p-kind").text.endswith("(direct)")
    assert drv.find_element("id", "p-method").text == q.method
    assert "active" in el.get_attribute("class")
    shot = Path(out) / "report.png"
    assert drv.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    try:
        shutil.copyfile(shot, SCREENSHOT)
    except OSError:
        pass


# ----------------------------------------------------------------------------- claims and search

@pytest.fixture(scope="module")
def claims_page(tmp_path_factory, browser):
    """Real corpus articles and, in a later run, three of them re-published by another
    outlet the day before, with other spellings: their quotes cross outlets."""
    import gzip
    import itertools
    import json
    import re

    from conftest import DATA
    corpus = DATA / "saudinewsnet.jsonl.gz"
    if not corpus.exists():
        pytest.skip(f"shared data not available: {corpus}")
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        arts = [a for a in map(json.loads, itertools.islice(f, 0, 60)) if len(a.get("text") or "") > 600][:12]
    d = tmp_path_factory.mktemp("claims_page")
    out = d / "out"
    (d / "a.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in arts), encoding="utf-8")
    run_batch([str(d / "a.jsonl")], out, None, workers=1, quiet=True, durable=False)
    quotes = pd.read_parquet(out / "quotes")
    quoted = [a for a in arts if (quotes["doc_id"] == a["id"]).sum() >= 2][:3]
    variants = [dict(a, id="v-" + a["id"], source="variant", date="2015-07-01 08:00:00",
                     text=re.sub("[أإ]", "ا", a["text"])) for a in quoted]
    (d / "b.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in variants), encoding="utf-8")
    run_batch([str(d / "b.jsonl")], out, None, workers=1, quiet=True, durable=False)
    path = report.write_report(out)
    browser.get(path.as_uri())
    return browser, out


def test_claims_view_shows_each_timeline_oldest_first(claims_page):
    drv, out = claims_page
    assert drv.execute_script("return performance.getEntriesByType('resource').length") == 0
    items = drv.find_elements("css selector", "#claims li.claim")
    claims = pd.read_parquet(out / "claims")
    crossed = claims[claims["n_outlets"] > 1]
    assert len(items) == len(crossed) >= 3
    for li in items:
        row = crossed.set_index("claim_id").loc[li.get_attribute("data-claim-id")]
        apps = li.find_elements("css selector", "li.appearance")
        assert len(apps) == row["n_quotes"]
        dates = [a.get_attribute("data-date") for a in apps]
        assert dates == sorted(dates)
        assert len({a.get_attribute("data-outlet") for a in apps}) == row["n_outlets"] >= 2
        firsts = [a for a in apps if a.get_attribute("data-first")]
        assert firsts == apps[:1] and "first" in apps[0].get_attribute("class")
        assert apps[0].get_attribute("data-outlet") == row["first_outlet"]
        assert apps[0].find_element("css selector", ".who").get_attribute("textContent").strip()  # the speaker


def test_search_box_filters_quotes_speakers_and_claims_spelling_blind(claims_page):
    import re

    from selenium.webdriver.common.keys import Keys

    drv, out = claims_page
    box = drv.find_element("id", "search")
    speakers = drv.find_elements("css selector", "#index li.speaker")
    claim = drv.find_elements("css selector", "#claims li.claim")[0]
    text = pd.read_parquet(out / "claims").set_index("claim_id").loc[claim.get_attribute("data-claim-id"), "text"]
    word = max(re.findall(r"[^\W\d_]+", text), key=len)
    # typed with other spellings: no hamza on alef, taa marbuta as haa, a tatweel
    typed = re.sub("[أإآ]", "ا", word).replace("ة", "ه")
    typed = typed[:2] + "ـ" + typed[2:]
    box.send_keys(typed)
    assert claim.is_displayed()
    visible = [s for s in speakers if s.is_displayed()]
    assert 0 < len(visible) < len(speakers)
    for s in visible:
        said = [x for x in s.find_elements("css selector", "li.said") if x.is_displayed()]
        assert said
    assert drv.find_element("id", "search-count").text
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("كلمةلاتوجدفيأيمقال")
    assert not any(s.is_displayed() for s in speakers)
    assert not any(c.is_displayed() for c in drv.find_elements("css selector", "#claims li.claim"))
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    assert all(s.get_attribute("hidden") is None for s in speakers)


def test_hostile_doc_ids_leave_the_page_whole(browser, tmp_path):
    """A doc_id '<!--<script>' used to end the page's data block early in a real parser:
    one script element instead of three, the data unreadable."""
    from test_report_safety import HOSTILE_IDS, hostile_id_report
    browser.get(hostile_id_report(tmp_path).as_uri())
    assert browser.execute_script("return document.scripts.length") == 3
    keys = browser.execute_script("return Object.keys(JSON.parse(document.getElementById('isnad-data').textContent))")
    assert {k.rsplit(":", 1)[0] for k in keys} == set(HOSTILE_IDS)
    assert browser.execute_script("return window.alerted === undefined && !document.querySelector('img[src=x]')")
