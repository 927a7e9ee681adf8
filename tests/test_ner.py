"""The name recogniser (stages/ner.py): the shipped model, its word view, its training.

Rows are real constructions from news: a name after a title chain, an outlet after its
head, a surname that is a weekday, names whose first letter looks like a clitic, and
negatives with no name at all.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from stages.errors import ConfigError, IsnadError
from stages.lexicon import load_lexicon
from stages.ner import DEFAULT_MODEL, TYPES, Clitics, NameTagger, merge_windows, spans
from stages.ner_train import coarse, read_newsfane, to_words, train
from stages.textnorm import fold
from stages.words import Words

ROOT = Path(__file__).resolve().parent.parent
NEWSFANE = ROOT.parent / "shared" / "data" / "newsfane" / "NewsFANE_Gold_2014_170K.txt"


@pytest.fixture(scope="module")
def tagger() -> NameTagger:
    return NameTagger.load()


def names(tagger: NameTagger, text: str) -> list[tuple[str, str]]:
    words = Words.of(fold(text))
    return [(" ".join(words.forms[e.start_word:e.end_word]), e.type) for e in tagger.entities(words, 0, len(words))]


def test_shipped_model_loads_once(tagger):
    assert DEFAULT_MODEL.is_file() and DEFAULT_MODEL.with_suffix(".json").is_file()
    assert NameTagger.load() is tagger  # cached per process
    assert {l[2:] for l in tagger.labels if l != "O"} == set(TYPES)


@pytest.mark.parametrize("text, name, typ", [
    # a title chain before the name: the name alone is the person
    ("وقال وزير الخارجية عادل الجبير إن المملكة لن تتراجع", "عادل الجبير", "PERS"),
    # a name after an organisation inside the title (المتحدث باسم X + NAME)
    ("وقال الناطق باسم الجيش الإسرائيلي أفيخاي أدرعي إن", "افيخاي ادرعي", "PERS"),
    # a surname that is also a weekday
    ("وقال الدكتور محمد الخميس إن", "محمد الخميس", "PERS"),
    ("وقال عبدالله الخميس رئيس الجمعية إن", "عبدالله الخميس", "PERS"),
    # و and ف as root letters of a name
    ("وقال وزير الخارجية السوري وليد المعلم إن", "وليد المعلم", "PERS"),
    ("وقال فيصل بن فرحان إن", "فيصل بن فرحان", "PERS"),
])
def test_person_names(tagger, text, name, typ):
    assert (name, typ) in names(tagger, text)


# What the shipped model still gets wrong (README, "Name recogniser"): strict, so that a
# better model that fixes one is noticed and the row moves up.
@pytest.mark.xfail(strict=True, reason="known miss of the shipped model")
@pytest.mark.parametrize("text, name", [
    ("وقال المتحدث باسم وزارة الصحة في غزة أشرف القدرة إن عدد الشهداء ارتفع", "اشرف القدره"),  # cut after غزة
    ("وقال محمد الخميس إن الدراسة شملت ألف طالب", "محمد الخميس"),  # weekday surname dropped
    ("وأكد وليد المعلم أن الحل سياسي", "وليد المعلم"),  # a surname that is a common noun
    ("وقال وسام الحربي إن", "وسام الحربي"),  # not found at all
])
def test_known_misses(tagger, text, name):
    assert (name, "PERS") in names(tagger, text)


@pytest.mark.parametrize("text, outlet", [
    ("قالت وكالة رويترز إن الاتفاق تأجل", "رويترز"),
    ("وقال مسؤول لرويترز إن الاجتماع تأجل", "لرويترز"),
])
def test_outlets(tagger, text, outlet):
    found = names(tagger, text)
    assert any(outlet in n.split() and t in ("MEDIA", "ORG") for n, t in found), found


@pytest.mark.parametrize("text", [
    "وقال الوزير إن الاجتماع سيعقد غدا",
    "وأضاف أن الأسعار ارتفعت بنسبة كبيرة خلال الشهر الماضي",
])
def test_no_person_where_there_is_none(tagger, text):
    assert [n for n, t in names(tagger, text) if t == "PERS"] == []


def test_entity_probability_and_clitic(tagger):
    words = Words.of(fold("وقال مسؤول لرويترز إن الاجتماع تأجل، وقال وزير الخارجية عادل الجبير إن"))
    ents = tagger.entities(words, 0, len(words))
    assert ents and all(0.0 < e.prob <= 1.0 for e in ents)
    by_first = {words.forms[e.start_word]: e for e in ents}
    assert by_first["لرويترز"].clitic == "ل"
    assert by_first["عادل"].clitic == ""
    # a window reads its names to their end, beyond the window
    i = words.forms.index("عادل")
    (e,) = [e for e in tagger.entities(words, i, i + 1)]
    assert (e.start_word, e.end_word) == (i, i + 2)


def test_windows_merge(tagger):
    words = Words.of(fold("قال وزير الخارجية عادل الجبير إن المملكة لن تتراجع وأضاف الجبير أن الحل سياسي"))
    regions = merge_windows([(0, 5), (3, 8), (40, 50)], len(words))
    assert len(regions) == 1 and regions[0][0] == 0
    one = tagger.entities_in(words, [(0, 5), (3, 8)])
    assert one == tagger.entities(words, 0, 8)


@pytest.mark.parametrize("word, clitic", [
    ("والرييس", "و"), ("لرويترز", "ل"), ("بالوزاره", "ب"), ("وبالوزاره", "وب"), ("للامم", "ل"),
    ("وسامي", "و"), ("وليد", ""), ("فيصل", ""), ("فهد", ""), ("وزير", ""), ("بيان", ""), ("الوزير", ""),
])
def test_clitic_prefix(tagger, word, clitic):
    assert tagger.clitics.prefix(word) == clitic


def test_clitics_from_the_lexicon_alone():
    c = Clitics(load_lexicon(), frozenset(), frozenset())
    assert c.prefix("والوزير") == "و" and c.prefix("وليد") == ""


# --- NewsFANE tokens -> the pipeline's words -----------------------------------------------

def test_newsfane_tokens_rejoin_to_our_words():
    """NewsFANE's split tokens, re-joined, give the words the pipeline cuts from the raw text."""
    tokens = [("و", "O"), ("قال", "O"), ("ل", "O"), ("الاتحاد", "B-Government"), ("ان", "O"), ("ه", "O"),
              ("(", "O"), ("د", "B-Media"), ("ب", "I-Media"), ("ا", "I-Media"), (")", "O"), ("و", "O"),
              ("ب", "O"), ("المدينة", "B-Population-Center"), ("ك", "O"), ("ما", "O"), ("عاد", "O"),
              ("رئيس", "O"), ("ها", "O"), ("و", "O"), ("ليد", "O")]
    raw = "وقال للاتحاد انه (د ب أ) وبالمدينة كما عاد رئيسها وليد"
    s = to_words(tokens)
    assert s.forms == Words.of(fold(raw)).forms
    assert s.labels == ["O", "B-ORG", "O", "B-MEDIA", "I-MEDIA", "I-MEDIA", "B-LOC", "O", "O", "O", "O"]
    assert s.gaps[3] == "o" and s.gaps[6] == "x"  # the parenthesis is a gap, as in an article
    assert s.proclitic[:3] == [True, True, False]


def test_coarse_types():
    assert [coarse(t) for t in ("B-Politician", "I-Athlete", "B-Media", "B-Government", "B-Nation",
                                "B-Group", "B-Building-Grounds", "O")] == \
        ["B-PERS", "I-PERS", "B-MEDIA", "B-ORG", "B-LOC", "O", "O", "O"]


def test_spans_bio():
    assert spans(["B-PERS", "I-PERS", "O", "I-ORG", "B-LOC", "B-LOC"]) == \
        [(0, 2, "PERS"), (3, 4, "ORG"), (4, 5, "LOC"), (5, 6, "LOC")]


def test_bad_data_and_missing_model(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_text("not\ta newsfane file\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        read_newsfane(bad)
    assert e.value.code == "E305"
    with pytest.raises(IsnadError) as e:
        NameTagger.load(tmp_path / "none.crfsuite")
    assert e.value.code == "E306"


needs_newsfane = pytest.mark.skipif(not NEWSFANE.is_file(), reason="NewsFANE not in ../shared/data")


@needs_newsfane
def test_real_newsfane_word_view():
    sents = read_newsfane(NEWSFANE)
    assert len(sents) > 4000
    joined = 0
    tokens = 0
    for sent in sents[:500]:
        s = to_words(sent)
        tokens += len(sent)
        joined += sum(s.proclitic)
        assert all(" " not in w and w == fold(w) for w in s.forms)
        assert len(s.forms) == len(s.labels) == len(s.gaps) - 1
        assert all(l == "O" or l[2:] in TYPES for l in s.labels)
    assert 0.03 < joined / tokens < 0.15


@needs_newsfane
def test_train_command_on_a_slice_is_deterministic(tmp_path):
    """`models train-names` on a few sentences writes a model that loads; twice, the same bytes."""
    outs = []
    for k in range(2):
        out = tmp_path / f"m{k}.crfsuite"
        r = subprocess.run([sys.executable, str(ROOT / "run.py"), "models", "train-names", "--limit", "120",
                            "--max-iterations", "20", "--out", str(out)],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert r.returncode == 0, r.stderr
        assert "re-joined" in r.stdout and "trained on 120 sentences" in r.stdout
        outs.append(out)
    assert outs[0].read_bytes() == outs[1].read_bytes()
    t = NameTagger.load(outs[0])
    assert len(t.tag(["وقال", "عادل", "الجبير"])) == 3


@needs_newsfane
def test_eval_command_output():
    r = subprocess.run([sys.executable, str(ROOT / "run.py"), "models", "eval-names"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("NewsFANE hold-out")
    rows = {l.split()[0]: l.split()[1:] for l in lines[2:7]}
    assert list(rows) == [*TYPES, "micro"]
    for t, (p, rec, f1, gold, pred) in rows.items():
        assert 0 <= float(p) <= 1 and 0 <= float(rec) <= 1 and int(gold) > 0
    assert float(rows["micro"][2]) > 0.6  # far above chance; the README gives the measured figure
    assert re.search(r"tagging: [\d.]+ µs/word", r.stdout)


def test_train_writes_tables(tmp_path):
    """The training function on hand-made samples: a model and its clitic tables."""
    s = to_words([("و", "O"), ("قال", "O"), ("سامي", "B-Politician"), ("ان", "O")])
    r = train([s] * 5, tmp_path / "t.crfsuite", load_lexicon(), params={"max_iterations": 5})
    assert r["bytes"] > 0 and (tmp_path / "t.json").is_file()
