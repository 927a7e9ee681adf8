"""The claims checks of issue 11, end to end: ``python bench/claims_check.py [--docs 6000]``.

Two incremental runs into one output folder over the first ``--docs`` articles of
``/work/shared/data/saudinewsnet.jsonl.gz``, plus planted variants, then five checks read
from the Parquet tables with pyarrow/pandas (nothing from isnad's Python code is used to
judge: the normalisation below is the checker's own):

1. identical normalised contents in different documents share a claim (>= 98 %), over
   the top-level quotes and over all quotes, nested ones included (both >= 98 %);
2. members of a multi-document claim resemble the claim's ``text`` (>= 95 %);
3. ``claims.first_date`` is the earliest member's date — also when the earliest member
   arrived in the later run (planted variants are dated before their original); members
   are every quote with the claim_id, nested ones too (also reported judged by the
   top-level members alone);
4. a claim spans the two runs (and the run-1 claim ids survive run 2);
5. ``run.py trace`` gives the same non-empty JSON for إسرائيل, اسرائيل and إسرائـيلَ.

**Split.** The articles are ranked by date; one in the earlier half goes to the later run
with probability 0.75, one in the later half with probability 0.25, so run 2 brings
mostly *older* articles, many of them the earliest member of a claim begun in run 1.

**Planted variants** (run 2): copies of run-1 articles under a new id, a new outlet
(``planted-N``) and a date 1 to 72 hours *before* the original, in which one top-level
quote's content (read from run 1's ``quotes`` table, offsets into ``documents.text``)
is re-spelled in one of seven ways, in turn: أ/إ/آ → ا, final ى ↔ ي, final ة → ه,
diacritics added, tatweel added, a word dropped, a word added (contents of 8+ words).
For each, the quote of the copy that overlaps the edited span should share the claim of
the original quote.

Exit status 0 when every check meets its threshold, 1 otherwise.  ``--keep`` leaves
the work folder (inputs, output folder, ``plants.jsonl``) for a look.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/data/saudinewsnet.jsonl.gz")

# --------------------------------------------------------------------------- the checker's normalisation
# As the issue states it: letters folded (أ/إ/آ/ٱ→ا، ى→ي، ة→ه), diacritics and tatweel
# removed; then punctuation dropped and words joined by one space.
_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_WORD = re.compile(r"[^\W_]+")


def norm(text: str | None) -> str:
    return " ".join(_WORD.findall(_DROP.sub("", text or "").translate(_FOLD).lower()))


def jaccard(a: str, b: str) -> float:
    sa, sb = set(a.split()), set(b.split())
    return len(sa & sb) / len(sa | sb) if sa or sb else 1.0


def grams(s: str, n: int = 3) -> set[str]:
    return {s[i:i + n] for i in range(max(len(s) - n + 1, 1))}


def char_jaccard(a: str, b: str) -> float:
    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb)


# --------------------------------------------------------------------------- planted variants
_DIAC = "\u064e\u064f\u0650\u0651\u0652"  # fatha, damma, kasra, shadda, sukun
KINDS = ("hamza", "yaa", "taa", "diacritics", "tatweel", "drop_word", "add_word")


def respell(content: str, kind: str, rng: random.Random) -> str | None:
    """``content`` re-spelled one way (None when that way changes nothing)."""
    words = content.split(" ")
    if kind == "hamza":
        new = re.sub("[أإآ]", "ا", content)
        if new == content:  # no hamza on alef: put one on every word-initial ال
            new = re.sub(r"(^|\s)ا", r"\1أ", content)
    elif kind == "yaa":
        new = re.sub(r"ى(?=\W|$)", "ي", content)
        if new == content:
            new = re.sub(r"(?<=\w\w)ي(?=\s|$)", "ى", content)
    elif kind == "taa":
        new = re.sub(r"ة(?=\W|$)", "ه", content)
    elif kind == "diacritics":
        new = "".join(c + rng.choice(_DIAC) if "\u0621" <= c <= "\u064a" and rng.random() < 0.3 else c
                      for c in content)
    elif kind == "tatweel":
        new = re.sub(r"(?<=[بتثجحخسشصضطظعغفقكلمنهي])(?=[\u0621-\u064a])",
                     lambda m: "ـ" if rng.random() < 0.25 else "", content)
    elif kind == "drop_word":
        # not a figure: a quote without its number is another claim by design (قتل 15 / قتل)
        inner = [i for i in range(1, len(words) - 1) if _WORD.fullmatch(words[i] or "-")
                 and not any(c.isdigit() for c in words[i])]
        if not inner:
            return None
        i = rng.choice(inner)
        new = " ".join(words[:i] + words[i + 1:])
    elif kind == "add_word":
        i = rng.randrange(1, len(words))
        new = " ".join(words[:i] + [rng.choice(("أيضا", "كذلك", "جدا", "اليوم"))] + words[i:])
    else:
        raise ValueError(kind)
    return new if new != content else None


def plant(out: Path, run1_ids: set[str], n: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """``n`` variant articles of run-1 articles, and a record of each (what to check)."""
    q = pq.read_table(out / "quotes", columns=["doc_id", "quote_id", "start", "end", "text",
                                               "parent_quote_id", "claim_id"]).to_pandas()
    q = q[q.parent_quote_id.isna() & q.doc_id.isin(run1_ids)]
    q = q[q.text.str.split().str.len() >= 8]
    d = pq.read_table(out / "documents", columns=["doc_id", "text", "title", "url", "date"]).to_pandas()
    d = d[d.doc_id.isin(set(q.doc_id))].set_index("doc_id")
    picks = rng.sample(sorted(d.index), min(n, len(d)))
    by_doc = {k: g for k, g in q.groupby("doc_id")}
    articles, records = [], []
    for i, doc_id in enumerate(picks):
        doc = d.loc[doc_id]
        rows = by_doc[doc_id].sort_values("start")
        row = rows.iloc[rng.randrange(len(rows))]
        assert doc.text[row.start:row.end] == row.text, "offsets are sacred"
        for k in range(len(KINDS)):  # this plant's kind, else the next that changes something
            kind = KINDS[(i + k) % len(KINDS)]
            new = respell(row.text, kind, rng)
            if new:
                break
        else:
            continue
        when = doc.date.to_pydatetime() - dt.timedelta(minutes=rng.randrange(60, 72 * 60))
        pid = f"planted-{i:04d}-{doc_id}"
        articles.append({"id": pid, "source": f"planted-{i % 10}", "url": f"https://example.org/{pid}",
                         "date": when.strftime("%Y-%m-%d %H:%M:%S"), "title": doc.title,
                         "text": doc.text[:row.start] + new + doc.text[row.end:]})
        records.append({"doc_id": pid, "of_doc": doc_id, "of_quote": row.quote_id, "of_claim": row.claim_id,
                        "kind": kind, "start": int(row.start), "end": int(row.start) + len(new),
                        "original": row.text, "variant": new})
    return articles, records


# --------------------------------------------------------------------------- runs
def run_isnad(inp: Path, out: Path, workers: int) -> float:
    t0 = time.perf_counter()
    cmd = [sys.executable, "run.py", str(inp), "--out", str(out), "--workers", str(workers), "--quiet"]
    r = subprocess.run(cmd, cwd=ROOT)
    if r.returncode not in (0, 3):
        sys.exit(f"claims_check: {' '.join(cmd)} exited {r.returncode}")
    return time.perf_counter() - t0


def trace_json(out: Path, query: str) -> tuple[list, float]:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "run.py", "trace", query, "--out", str(out), "--format", "json"],
                       cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        sys.exit(f"claims_check: trace {query} exited {r.returncode}: {r.stderr.strip()}")
    return json.loads(r.stdout or "[]"), took


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def load(out: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    quotes = ds.dataset(out / "quotes", format="parquet", partitioning="hive").to_table(
        columns=["doc_id", "quote_id", "start", "end", "text", "parent_quote_id", "claim_id"]).to_pandas()
    docs = ds.dataset(out / "documents", format="parquet", partitioning="hive").to_table(
        columns=["doc_id", "date", "outlet"]).to_pandas()
    claims = pq.read_table(out / "claims" / "claims.parquet").to_pandas()
    return quotes, docs, claims


# --------------------------------------------------------------------------- checks
def check(out: Path, run1: set[str], run2: set[str], plants: list[dict], before: pd.DataFrame) -> dict:
    quotes, docs, claims = load(out)
    figs: dict = {"documents": len(docs), "quotes": len(quotes), "claims": len(claims)}
    assert docs.doc_id.is_unique, "one row per document"
    # members of a claim: every quote carrying its claim_id, nested ones too
    allq = quotes.merge(docs, on="doc_id", how="left")
    allq["n"] = allq.text.map(norm)
    top = allq[allq.parent_quote_id.isna()]
    figs["top_level_quotes"] = len(top)
    figs["top_level_without_claim"] = int(top.claim_id.isna().sum())
    figs["nested_quotes"] = len(allq) - len(top)
    figs["nested_without_claim"] = int(allq.claim_id.isna().sum()) - figs["top_level_without_claim"]

    # (1) identical normalised contents in different documents share a claim: over the
    # top-level quotes, and over every quote (a checker may not leave nested ones out)
    for tag, frame in (("1", top), ("1b", allq)):
        g = frame.groupby("n").agg(docs=("doc_id", "nunique"), claims=("claim_id", "nunique"),
                                   nulls=("claim_id", lambda s: int(s.isna().sum())))
        g = g[g.docs >= 2]
        ok = (g.claims == 1) & (g.nulls == 0)
        sfx = "" if tag == "1" else "_all_quotes"
        figs[f"{tag}_identical_groups{sfx}"] = len(g)
        figs[f"{tag}_identical_shared{sfx}"] = int(ok.sum())
        figs[f"{tag}_identical_share{sfx}"] = float(ok.mean()) if len(g) else 1.0
        figs[f"{tag}_identical_failures{sfx}"] = [k[:80] for k in g.index[~ok][:5]]

    # (2) members of a multi-document claim resemble its text
    ndoc = allq.groupby("claim_id").doc_id.nunique()
    multi = allq[allq.claim_id.isin(ndoc[ndoc >= 2].index)].merge(
        claims[["claim_id", "text"]].rename(columns={"text": "claim_text"}), on="claim_id", how="left")
    multi["cn"] = multi.claim_text.map(norm)
    multi["jac"] = [jaccard(a, b) for a, b in zip(multi.n, multi.cn)]
    multi["cjac"] = [char_jaccard(a, b) for a, b in zip(multi.n, multi.cn)]
    multi["ratio"] = [SequenceMatcher(None, a, b, autojunk=False).ratio() for a, b in zip(multi.n, multi.cn)]
    figs["2_multi_document_claims"] = int((ndoc >= 2).sum())
    figs["2_members"] = len(multi)
    figs["2_members_without_claim_text"] = int(multi.claim_text.isna().sum())
    figs["2_resemble_word_jaccard_0.6"] = float((multi.jac >= 0.6).mean())
    figs["2_resemble_word_jaccard_0.5"] = float((multi.jac >= 0.5).mean())
    figs["2_resemble_word_jaccard_0.7"] = float((multi.jac >= 0.7).mean())
    figs["2_resemble_word_jaccard_0.8"] = float((multi.jac >= 0.8).mean())
    # the shorter content's words found in the longer (cuts of one statement)
    multi["cont"] = [len(set(a.split()) & set(b.split())) / max(min(len(set(a.split())), len(set(b.split()))), 1)
                     for a, b in zip(multi.n, multi.cn)]
    figs["2_resemble_containment_0.8"] = float((multi.cont >= 0.8).mean())
    figs["2_resemble_char3_jaccard_0.5"] = float((multi.cjac >= 0.5).mean())
    figs["2_resemble_seqmatch_0.8"] = float((multi.ratio >= 0.8).mean())
    figs["2_resemble_seqmatch_0.7"] = float((multi.ratio >= 0.7).mean())
    figs["2_failures"] = [(r.n[:60], r.cn[:60], round(r.jac, 2))
                          for r in multi[multi.jac < 0.6].head(3).itertuples()]

    # (3) first_date is the earliest member's
    earliest = allq.groupby("claim_id").date.min().rename("earliest")
    c = claims.set_index("claim_id").join(earliest, how="inner")
    same = (c.first_date == c.earliest) | (c.first_date.isna() & c.earliest.isna())
    figs["3_first_date_share"] = float(same.mean())
    figs["3_first_date_failures"] = int((~same).sum())
    # the same judged by the top-level members only (claims that have one): a checker that
    # leaves nested quotes out sees a miss where a nested member is older than them all
    e_top = top.groupby("claim_id").date.min().rename("earliest_top")
    ct = claims.set_index("claim_id").join(e_top, how="inner")
    same_top = (ct.first_date == ct.earliest_top) | (ct.first_date.isna() & ct.earliest_top.isna())
    figs["3_first_date_share_top_level_members"] = float(same_top.mean())
    figs["3_first_date_failures_top_level_members"] = int((~same_top).sum())
    first_doc_date = docs.set_index("doc_id").date.reindex(c.first_doc_id).to_numpy()
    figs["3_first_doc_is_earliest_share"] = float((first_doc_date == c.earliest.to_numpy()).mean())
    # claims with members from both runs whose earliest member came in run 2
    runs = allq.assign(run=allq.doc_id.map(lambda d: 1 if d in run1 else 2 if d in run2 else 0))
    span = runs.groupby("claim_id").run.agg(lambda s: frozenset(s))
    both = span[span.map(lambda s: {1, 2} <= s)].index
    er = runs.sort_values(["date", "doc_id"]).groupby("claim_id").first().run
    late_first = [cid for cid in both if er.get(cid) == 2]
    figs["3_claims_earliest_in_run2"] = len(late_first)
    figs["3_first_date_share_earliest_in_run2"] = float(same.reindex(late_first).mean()) if late_first else None
    # (4) a claim spans the two runs; the ids given in run 1 stay
    figs["4_claims_spanning_runs"] = len(both)
    figs["4_multi_outlet_spanning_runs"] = int(c.reindex(both).n_outlets.gt(1).sum())
    kept = before.merge(quotes[["quote_id", "claim_id"]], on="quote_id", how="inner", suffixes=("_1", "_2"))
    kept = kept[kept.claim_id_1.notna()]
    figs["4_run1_claim_ids_kept"] = float((kept.claim_id_1 == kept.claim_id_2).mean()) if len(kept) else None

    # planted variants: the copy's quote over the edited span shares the original's claim
    by_doc = {k: v for k, v in top.groupby("doc_id")}
    claim_of = top.set_index("quote_id").claim_id
    res = defaultdict(list)
    first_ok = []
    for p in plants:
        rows = by_doc.get(p["doc_id"])
        hit = None if rows is None else rows[(rows.start < p["end"]) & (rows.end > p["start"])]
        orig = claim_of.get(p["of_quote"])
        res[p["kind"]].append(hit is not None and len(hit) > 0 and orig in set(hit.claim_id))
        if hit is not None and len(hit) and orig in set(hit.claim_id):
            row = c.loc[orig]
            first_ok.append(row.first_date == row.earliest)
    figs["planted"] = {k: f"{sum(v)}/{len(v)}" for k, v in sorted(res.items())}
    figs["planted_share"] = sum(map(sum, res.values())) / max(sum(map(len, res.values())), 1)
    figs["planted_claims_first_date_ok"] = f"{sum(first_ok)}/{len(first_ok)}"

    # (5) trace is spelling-blind
    tr = {}
    for qy in ("إسرائيل", "اسرائيل", "إسرائـيلَ"):
        tr[qy] = trace_json(out, qy)
    base = tr["إسرائيل"][0]
    figs["5_trace_appearances"] = len(base)
    figs["5_trace_claims"] = len({r["claim_id"] for r in base})
    figs["5_trace_same"] = all(v[0] == base for v in tr.values())
    figs["5_trace_seconds"] = [round(v[1], 2) for v in tr.values()]
    return figs


THRESHOLDS = {"1_identical_share": 0.98, "1b_identical_share_all_quotes": 0.98, "2_resemble_word_jaccard_0.6": 0.95,
              "3_first_date_share": 1.0, "4_claims_spanning_runs": 1, "5_trace_appearances": 1, "planted_share": 0.95}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--docs", type=int, default=6000, help="the first N articles of the corpus (default 6000)")
    ap.add_argument("--plants", type=int, default=350, help="planted variants (default 350)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="claims_check-"))
    if work.exists() and args.work:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    out = work / "out"
    try:
        with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
            arts = [json.loads(line) for _, line in zip(range(args.docs), f)]
        ranked = sorted(range(len(arts)), key=lambda i: (arts[i].get("date") or "", arts[i]["id"]))
        later = set()
        for r, i in enumerate(ranked):
            if rng.random() < (0.75 if r < len(ranked) / 2 else 0.25):
                later.add(i)
        a1 = [a for i, a in enumerate(arts) if i not in later]
        a2 = [a for i, a in enumerate(arts) if i in later]
        write_jsonl(work / "run1.jsonl", a1)
        t1 = run_isnad(work / "run1.jsonl", out, args.workers)
        before = load(out)[0][["quote_id", "claim_id"]]
        run1 = {a["id"] for a in a1}
        planted, records = plant(out, run1, args.plants, rng)
        write_jsonl(work / "plants.jsonl", records)
        rng.shuffle(a2_all := a2 + planted)
        write_jsonl(work / "run2.jsonl", a2_all)
        t2 = run_isnad(work / "run2.jsonl", out, args.workers)
        run2 = {a["id"] for a in a2_all}
        print(f"run 1: {len(a1)} articles ({min(a['date'] for a in a1)} .. {max(a['date'] for a in a1)}), {t1:.1f} s")
        print(f"run 2: {len(a2)} articles ({min(a['date'] for a in a2)} .. {max(a['date'] for a in a2)}) "
              f"+ {len(planted)} planted variants, {t2:.1f} s")
        figs = check(out, run1, run2, records, before)
        figs["run_seconds"] = [round(t1, 1), round(t2, 1)]
        figs["load_average"] = os.getloadavg()[0]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for k, v in figs.items():
        print(f"{k:40s} {v:.4f}" if isinstance(v, float) else f"{k:40s} {v}")
    failed = [k for k, t in THRESHOLDS.items() if figs.get(k) is None or figs[k] < t]
    if not figs["5_trace_same"]:
        failed.append("5_trace_same")
    print("FAILED: " + ", ".join(failed) if failed else "all checks pass")
    if args.keep:
        print(f"work folder: {work}")
    if args.json:
        args.json.write_text(json.dumps(figs, ensure_ascii=False, indent=1, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
