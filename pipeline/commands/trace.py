"""``python run.py trace QUERY --out DIR``: where a claim appeared first and how it travelled.

Finds the quotes (nested ones too) whose *content* or *speaker* matches QUERY, takes their
claims (``quotes.claim_id``, :mod:`pipeline.claims`), and prints every appearance of
each claim — in every document and outlet, also those that do not contain the query —
ordered by publication date, with outlet, speaker (as resolved and as mentioned) and
relay chain; the earliest is marked as the first.  Claims are listed most-travelled
first (documents, then outlets, then first date).

Matching is spelling-blind, as everywhere in isnad: the content is normalised like the
claims' (:func:`pipeline.claims.normalise`: folded letters, no diacritics, tatweel or
punctuation), so ``إسرائيل``, ``اسرائيل`` and ``إسرائـيل`` find the same quotes; the
query matches at the start of a word, after an optional clitic (و، ف، ب، ل، ك: ``لإسرائيل``)
and also inside longer words that start with it (``الإسرائيلية`` needs the article in
the query, ``إسرائيلي`` is found by ``إسرائيل``).  Speakers match as in ``run.py who``
(:func:`pipeline.commands.who.match_speaker`: whole normalised words of the name).

Speed: a regular-expression prefilter (every spelling of the query's longest word, from
:func:`pipeline.commands.who.prefilter`) runs inside DuckDB over the quote texts; only
its hits are normalised in Python.  The appearances are then read with their dates,
outlets and hops in one query.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from . import prog
from ..claims import normalise
from ..datasets import columns
from .who import OutputError, _clip, _scan, chain, match_speaker, output_tables, prefilter

EXIT_FOUND, EXIT_NONE, EXIT_USAGE = 0, 1, 2
_CLITIC = "(?:^| )[وف]?[بكل]?"


def content_matcher(query: str) -> re.Pattern:
    """A regex over *normalised* content (:func:`pipeline.claims.normalise`)."""
    qn = normalise(query)
    if not qn:
        raise ValueError(f"the query {query!r} has no letters or digits to match")
    return re.compile(_CLITIC + re.escape(qn))


def find_claims(out: Path, query: str) -> list[dict]:
    """Every appearance of every claim whose content or speaker matches ``query``,
    grouped by claim (most travelled first), oldest first within a claim."""
    import duckdb

    rx = content_matcher(query)
    globs = output_tables(out)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET TimeZone = 'UTC'")  # documents.date is a UTC timestamp: show it as such
    quotes = _scan(globs["quotes"])
    if "claim_id" not in columns(con, quotes):
        raise OutputError(f"{out} has no claims yet (written by isnad before claims existed): "
                          f"run `python run.py claims --out {out}` first")
    # 1. by content: DuckDB prefilters the raw texts, Python checks the normalised ones
    pre = prefilter(normalise(query).split()).pattern
    cand = con.execute(f"""SELECT quote_id, text FROM {quotes}
                           WHERE claim_id IS NOT NULL AND regexp_matches(text, ?)""", [pre]).fetchall()
    hits = {qid for qid, text in cand if rx.search(normalise(text))}
    # 2. by speaker, as `run.py who` finds them
    if match_speaker(con, globs, query):
        hits |= {qid for (qid,) in con.execute("SELECT quote_id FROM hk").fetchall()}
    if not hits:
        return []
    con.execute("CREATE TEMP TABLE hit AS SELECT unnest(?::VARCHAR[]) AS quote_id", [sorted(hits)])
    con.execute(f"""CREATE TEMP TABLE tc AS SELECT DISTINCT claim_id FROM {quotes}
                    WHERE claim_id IS NOT NULL AND quote_id IN (SELECT quote_id FROM hit)""")

    # 3. every appearance of those claims, with its document and hops
    con.execute(f"""CREATE TEMP TABLE ap AS
        SELECT claim_id, quote_id, doc_id, start, speaker_name, speaker, speaker_type, kind, cue, text, relayed_by
        FROM {quotes} WHERE claim_id IN (SELECT claim_id FROM tc)
        QUALIFY row_number() OVER (PARTITION BY quote_id) = 1""")
    docs = (f"(SELECT doc_id, any_value(date) AS date, any_value(outlet) AS outlet, any_value(url) AS url, "
            f"any_value(title) AS title FROM {_scan(globs['documents'])} "
            f"WHERE doc_id IN (SELECT doc_id FROM ap) GROUP BY doc_id)") if globs["documents"] else \
        "(SELECT NULL::VARCHAR AS doc_id, NULL AS date, NULL::VARCHAR AS outlet, NULL::VARCHAR AS url, " \
        "NULL::VARCHAR AS title WHERE false)"
    srcs = (f"""(SELECT quote_id, list({{'hop': hop, 'source': source, 'relation': relation}} ORDER BY hop) AS hops
                 FROM (SELECT DISTINCT quote_id, hop, source, relation FROM {_scan(globs['sources'])}
                       WHERE quote_id IN (SELECT quote_id FROM ap)) GROUP BY quote_id)""") if globs["sources"] else \
        "(SELECT NULL::VARCHAR AS quote_id, NULL::STRUCT(hop INT, source VARCHAR, relation VARCHAR)[] AS hops WHERE false)"
    rel = con.execute(f"""
        SELECT a.claim_id, a.quote_id, a.doc_id, d.date, d.outlet, d.url, d.title, a.speaker_name, a.speaker,
               a.speaker_type, a.kind, a.cue, a.text AS quote, a.relayed_by, s.hops AS sources,
               a.quote_id IN (SELECT quote_id FROM hit) AS matched
        FROM ap a LEFT JOIN {docs} d USING (doc_id) LEFT JOIN {srcs} s USING (quote_id)
        ORDER BY a.claim_id, TRY_CAST(d.date AS TIMESTAMP) NULLS LAST, a.doc_id, a.start""")
    cols = [c[0] for c in rel.description]
    rows = [dict(zip(cols, r)) for r in rel.fetchall()]
    by_claim: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        r["relayed_by"] = list(r["relayed_by"] or [])
        r["sources"] = list(r["sources"] or [])
        r["chain"] = chain(r)
        by_claim[r["claim_id"]].append(r)
    for members in by_claim.values():
        outlets = {r["outlet"] for r in members if r["outlet"]}
        for i, r in enumerate(members):
            r["first"] = i == 0  # rows come oldest first within a claim
            r["n_documents"] = len({m["doc_id"] for m in members})
            r["n_outlets"] = len(outlets)
    ranked = sorted(by_claim.values(), key=lambda m: (-m[0]["n_documents"], -m[0]["n_outlets"],
                                                      str(m[0]["date"] or "~"), m[0]["claim_id"]))
    return [r for members in ranked for r in members]


# ----------------------------------------------------------------------------- output

JSON_COLS = ("claim_id", "first", "doc_id", "quote_id", "date", "outlet", "url", "title", "speaker_name",
             "speaker", "speaker_type", "relayed_by", "chain", "quote", "matched", "n_documents", "n_outlets")
CSV_COLS = ("claim_id", "first", "date", "outlet", "doc_id", "quote_id", "speaker_name", "speaker", "chain",
            "quote", "url")


def print_claims(rows: list[dict], query: str, limit: int | None, stream=None) -> None:
    stream = stream or sys.stdout
    claims: dict[str, list[dict]] = {}
    for r in rows:
        claims.setdefault(r["claim_id"], []).append(r)
    shown = list(claims.items())[:limit] if limit is not None else list(claims.items())
    for n, (cid, members) in enumerate(shown, 1):
        head = members[0]
        print(f"{n}. claim {cid}: {head['n_documents']} document(s), {head['n_outlets']} outlet(s)", file=stream)
        print(f"   «{_clip(head['quote'], 300)}»", file=stream)
        for r in members:
            who = r["speaker_name"] or r["speaker"] or "?"
            if r["speaker"] and r["speaker"] != r["speaker_name"]:
                who += f" [{_clip(r['speaker'], 50)}]"
            elif not r["speaker"]:
                who += " [implicit]"
            mark = "first" if r["first"] else "     "
            print(f"   {mark}  {str(r['date'] or '-'):<19}  {r['outlet'] or '-':<13}  {r['doc_id']}", file=stream)
            print(f"          speaker: {who}", file=stream)
            print(f"          relay:   {r['chain'] or '-'}", file=stream)
        print(file=stream)
    print(count_line(rows, query) + (f" (showing {len(shown)})" if len(shown) < len(claims) else ""), file=stream)


def count_line(rows: list[dict], query: str) -> str:
    n_claims = len({r["claim_id"] for r in rows})
    outlets = len({r["outlet"] for r in rows if r["outlet"]})
    return (f"{n_claims} claim{'s' if n_claims != 1 else ''} matching «{query}»: {len(rows)} appearances "
            f"in {outlets} outlet{'s' if outlets != 1 else ''}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog=prog("trace"),
        description="Trace a claim across outlets: the quotes whose content or speaker matches QUERY "
                    "(spelling-blind: أ/إ/آ/ا, ى/ي, ة/ه, diacritics and tatweel do not matter), grouped by "
                    "claim, each claim's appearances oldest first with outlet, speaker and relay chain; "
                    "the first appearance is marked.",
        epilog="exit codes: 0 found, 1 nothing found, 2 usage error or no isnad output (or no claims) in DIR")
    ap.add_argument("query", help="words of the claim or a speaker's name, e.g. إسرائيل or \"الحل السياسي\"")
    ap.add_argument("--out", required=True, help="an isnad output folder")
    ap.add_argument("--format", choices=("text", "json", "csv"), default="text")
    ap.add_argument("--limit", type=int, default=None, metavar="N", help="text: show at most N claims")
    ap.add_argument("--time", action="store_true", help="print the elapsed time to stderr")
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 0:
        ap.error("--limit must be >= 0")
    out = Path(args.out)
    t0 = time.perf_counter()
    try:
        if not out.is_dir():
            raise OutputError(f"{out} is not a folder")
        rows = find_claims(out, args.query)
    except (OutputError, ValueError) as e:
        print(f"isnad trace: {e}", file=sys.stderr)
        return EXIT_USAGE
    elapsed = time.perf_counter() - t0
    if args.format == "json":
        json.dump([{k: r[k] for k in JSON_COLS} for r in rows], sys.stdout, ensure_ascii=False, indent=1,
                  default=str)
        print()
    elif args.format == "csv":
        wr = csv.DictWriter(sys.stdout, fieldnames=CSV_COLS, extrasaction="ignore")
        wr.writeheader()
        wr.writerows(rows)
    elif rows:
        print_claims(rows, args.query, args.limit)
    if not rows and args.format == "text":
        print(f"no claims found for «{args.query}» in {out}")
    elif args.format != "text":
        print(count_line(rows, args.query), file=sys.stderr)
    if args.time:
        print(f"isnad trace: {elapsed:.3f}s", file=sys.stderr)
    return EXIT_FOUND if rows else EXIT_NONE
