"""Hostile document shapes: texts built to make a rule stage slow.

Each shape is a function ``n -> text`` whose length grows linearly with ``n``
(one repeated unit per step), so doubling ``n`` doubles the input.  The scaling
tests (tests/test_scaling.py) time each pipeline stage on ``n`` and ``2n`` in one
run and compare the ratio; ``python -m tests.hostile SHAPE N`` prints per-stage
CPU times for one size (profiling aid), ``python -m tests.hostile corpus`` the same
for a 1,000,000-character document of real articles.

The shapes come from issue 12 (measured stalls) and from what a rule stage scans:
long sentences full of cues, colons, complementisers, commas, open marks, nested
or mismatched marks, according-phrases, bidi controls and diacritics.
"""
from __future__ import annotations

import re
import sys
import time

WORD = "كلمة"


def _rep(unit: str, n: int) -> str:
    return unit * n


_ARTICLE = None


def _article_words() -> list[str]:
    """The words of the founding article (examples/astana8.txt), punctuation dropped:
    real cues, names, titles and prepositions in a realistic mix."""
    global _ARTICLE
    if _ARTICLE is None:
        from pathlib import Path
        text = (Path(__file__).resolve().parent.parent / "examples" / "astana8.txt").read_text(encoding="utf-8")
        _ARTICLE = re.findall(r"[^\W_]+", text)
    return _ARTICLE


def _words(n: int, sep: str = " ") -> str:
    ws = _article_words()
    return sep.join(ws[i % len(ws)] for i in range(n))


SHAPES = {
    # issue 12's measured stalls
    "word_comma": lambda n: _rep("كلمة، ", n),
    "qal_open_mark": lambda n: _rep("قال «", n),
    "mark_before_each_word": lambda n: _rep("«كلمة ", n),
    "nested_guillemets": lambda n: "«" * n + "كلمة" + "»" * n,
    "mismatched_guillemets": lambda n: _rep("«»»«", n),
    "la_nested_marks": lambda n: _rep("لا «كلمة «نعم» ", n),
    "no_punctuation": lambda n: _rep("كلمة اخرى ", n),
    "article_no_punctuation": lambda n: _words(n),
    "article_word_comma": lambda n: _words(n, "، "),
    "article_one_paragraph": lambda n: _words(n, " ") + ".",
    "cue_comma": lambda n: _rep("قال، ", n),
    # others like them
    "qal_repeated": lambda n: _rep("قال ", n),
    "wa_qal_an": lambda n: _rep("وقال الوزير إن ", n),
    "colons": lambda n: _rep("قال: ", n),
    "many_an": lambda n: _rep("أن ", n),
    "commas_only": lambda n: _rep("، ", n),
    "one_letter_run": lambda n: "ب" * (4 * n),
    "according_run": lambda n: _rep("بحسب ", n),
    "according_phrases": lambda n: _rep("بحسب ما ذكر المصدر، ", n),
    "short_paragraphs": lambda n: _rep("وقال الوزير إن الوضع مستقر.\n", n),
    "cue_opens_mark": lambda n: _rep("وقال الوزير: «نعم ", n),
    "cue_closed_mark": lambda n: _rep("وقال الوزير: «نعم لا» ", n),
    "straight_quotes": lambda n: _rep('قال "كلمة ', n),
    "apostrophes": lambda n: _rep("قال 'كلمة ", n),
    "participles": lambda n: _rep("مضيفا أن ", n),
    "postposed": lambda n: _rep("الوضع مستقر، قال الوزير ", n),
    "bidi_controls": lambda n: _rep("\u200fقال\u200e الوزير\u202b إن\u202c ", n),
    "diacritics": lambda n: _rep("قَالَ الْوَزِيرُ إِنَّ ", n),
    "tatweel": lambda n: _rep("قـــال الـــوزير ", n),
    "subheads": lambda n: _rep("وزير الخارجية : الوضع مستقر جدا اليوم\n", n),
    "dots": lambda n: _rep("أ.", n),
    "prep_cues": lambda n: _rep("وأشار إلى ", n),
    "svo": lambda n: _rep("الوزير يقول ", n),
    "names_in_marks": lambda n: _rep("لـ«الشرق الأوسط» ", n),
    "parens": lambda n: _rep("(أ ف ب) ", n),
    "read_verbs": lambda n: _rep("بيان تلاه الوزير ", n),
    "relative_cues": lambda n: _rep("التي أعلنت أن ", n),
    "reopened_paragraphs": lambda n: _rep("«كلمة اخرى\n", n),
    "open_next_para_close": lambda n: _rep("«كلمة\nكلمة»\n", n),
    "cue_nested_marks": lambda n: _rep("قال «كلمة ", n) + "»" * n,
}


def stage_times(nlp, text: str) -> dict[str, float]:
    """CPU seconds of this thread per stage (and the tokenizer) for one document: on a
    shared machine the wall clock also counts the other processes' turns."""
    out = {}
    t = time.thread_time()
    doc = nlp.make_doc(text)
    out["tokenizer"] = time.thread_time() - t
    for name, proc in nlp.pipeline:
        t = time.thread_time()
        doc = proc(doc)
        out[name] = time.thread_time() - t
    return out


def corpus_document(n_chars: int) -> str:
    """The first SaudiNewsNet articles joined as paragraphs of one document of
    ``n_chars`` characters: real text at the size of ``--max-chars``, to compare with the
    time budget (``--max-seconds``)."""
    import gzip
    import json
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "saudinewsnet.jsonl.gz"
    parts, size = [], 0
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            t = json.loads(line).get("text") or ""
            parts.append(t)
            size += len(t) + 1
            if size > n_chars:
                break
    return "\n".join(parts)[:n_chars]


def main(argv: list[str]) -> int:
    """``python -m tests.hostile SHAPE|all [N]``: CPU seconds per stage for ``N`` units of
    a shape; ``python -m tests.hostile corpus [CHARS]``: the same for real articles
    joined into one document of CHARS characters (default 1,000,000)."""
    from pipeline.nlp import build_nlp
    nlp = build_nlp()
    if argv and argv[0] == "corpus":
        texts = {"corpus": corpus_document(int(argv[1]) if len(argv) > 1 else 1_000_000)}
    else:
        names = [argv[0]] if argv and argv[0] != "all" else list(SHAPES)
        n = int(argv[1]) if len(argv) > 1 else 2000
        texts = {name: SHAPES[name](n) for name in names}
    for name, text in texts.items():
        times = stage_times(nlp, text)
        worst = max(times, key=times.get)
        print(f"{name:24} {len(text):8d} chars  CPU {sum(times.values()):7.3f} s  worst {worst} "
              f"{times[worst]:.3f} s  " + " ".join(f"{k.replace('isnad_', '')}={v:.3f}" for k, v in times.items()
                                                    if v > 0.01), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
