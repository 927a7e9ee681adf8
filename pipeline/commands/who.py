"""``python run.py who NAME --out DIR``: every quote by one speaker across an output folder.

Matching is on *normalised words*, never on raw substrings (:mod:`.who_names`: letters
folded as everywhere in isnad, the article, عبد compounds, patronymics, whole words).

A quote matches when its ``speaker_name`` or its ``speaker`` mention matches, or when its
``(doc_id, speaker_id)`` cluster in the speakers table matches by name or alias (whole
words, as above) or by ``speaker_key`` (equal to :func:`stages.speakers.speaker_key` of
the query: the key also drops clitics, so ``وعلى`` has the key ``علي`` and a
whole-word test on keys would find prepositions; only for a query without the article)
or by its cross-document ``person_key`` (:mod:`pipeline.people`): ``عادل الجبير`` also
finds an article that calls him ``وزير الخارجية الجبير`` — so implicit quotes (no
mention, resolved name) count too.

Speed: names repeat a lot, so the normaliser runs over the *distinct* name strings
only, after a cheap regular-expression prefilter (the query's longest word, with every
letter that folds to it and optional diacritics between letters) that keeps a superset
of the matches.  DuckDB then finds the matching quotes on their key columns
(``OUT/<table>/**/*.parquet``, hive ``run_id=`` folders or flat part files), and reads
the big text columns (quote, sentence) only from the part files that hold a match and
their pairs in the other tables (the writer puts one batch of every table under the
same relative path; when that does not hold, the whole tables are read).  About 0.6 s
for 388 quotes on the 30,970-article corpus.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from . import prog
from ..datasets import columns
from ..datasets import scan as _scan
from ..datasets import table_glob as _glob
from .who_names import matches, name_key, name_words, prefilter  # noqa: F401 (used by trace and tests)

EXIT_FOUND, EXIT_NONE, EXIT_USAGE = 0, 1, 2
TABLES = ("documents", "sentences", "quotes", "speakers", "sources")


# ----------------------------------------------------------------------------- data

class OutputError(Exception):
    pass


def _paired(out: Path, quote_files: set[str], table: str) -> list[str] | None:
    """The ``table`` part files written with the given quotes part files.

    The writer puts a batch's rows of every table under the same relative path
    (``<table>/run_id=R/part-N.parquet``), so a quote's sentence, document and hops
    are in the file paired with its quotes file: reading only those skips most of the
    big text columns.  None when a pair is missing (then the whole table is read).
    """
    files = []
    root = out.resolve()
    for f in sorted(quote_files):
        try:
            rel = Path(f).resolve().relative_to(root / "quotes")
        except ValueError:
            return None
        g = root / table / rel
        if not g.is_file():
            return None
        files.append(str(g))
    return files


def output_tables(out: Path) -> dict[str, str | None]:
    """The glob of each table in ``out``; OutputError when there is no isnad output."""
    globs = {t: _glob(out, t) for t in TABLES}
    if globs["quotes"] is None:
        raise OutputError(f"{out} has no isnad output (expected Parquet files under {out / 'quotes'}/); "
                          f"run `python run.py INPUT --out {out}` first")
    return globs


def match_speaker(con, globs: dict[str, str | None], query: str) -> bool:
    """Temp table ``hk`` (doc_id, quote_id, filename): the quotes whose speaker is
    ``query`` (see the module doc).  False when there are none."""
    qwords = name_words(query)
    qkey = name_key(query)
    quotes, speakers = _scan(globs["quotes"]), globs["speakers"] and _scan(globs["speakers"])
    has_person = bool(speakers) and "person_key" in columns(con, speakers)

    # 1. distinct name strings, prefiltered, then matched exactly on normalised words
    parts = [f"SELECT speaker_name AS s FROM {quotes}", f"SELECT speaker FROM {quotes}"]
    if speakers:
        parts += [f"SELECT name FROM {speakers}", f"SELECT unnest(aliases) FROM {speakers}"]
    if has_person:
        parts.append(f"SELECT person_key FROM {speakers}")
    names = con.execute(f"SELECT DISTINCT s FROM ({' UNION ALL '.join(parts)}) WHERE s IS NOT NULL").fetchall()
    rx = prefilter(qwords)
    hit_names = [s for (s,) in names if rx.search(s) and matches(qkey, s)]
    # the stage's speaker_key has no article: only for a query without one (جبير, not الجبير)
    skey = None if "^" in qkey else _speaker_key(query) or None
    if not hit_names and not (speakers and skey):
        return False
    con.execute("CREATE TEMP TABLE m AS SELECT unnest(?::VARCHAR[]) AS s", [hit_names])

    # 2. quotes by name or mention, or through their speaker cluster — by its name,
    # aliases or speaker_key in the document, or by its person_key across documents
    # (الجبير in an article that calls him only وزير الخارجية الجبير): keys only
    cluster = ""
    if speakers:
        person = "OR person_key IN (SELECT s FROM m)" if has_person else ""
        con.execute(f"""CREATE TEMP TABLE hs AS SELECT DISTINCT doc_id, speaker_id FROM {speakers}
                        WHERE name IN (SELECT s FROM m) OR speaker_key = ? {person}
                           OR list_has_any(aliases, (SELECT list(s) FROM m))""", [skey])
        cluster = "OR EXISTS (SELECT 1 FROM hs WHERE hs.doc_id = q.doc_id AND hs.speaker_id = q.speaker_id)"
    con.execute(f"""CREATE TEMP TABLE hk AS
        SELECT DISTINCT q.doc_id, q.quote_id, q.filename
        FROM (SELECT doc_id, quote_id, speaker_name, speaker, speaker_id, filename
              FROM {_scan(globs["quotes"], filename=True)}) q
        WHERE q.speaker_name IN (SELECT s FROM m) OR q.speaker IN (SELECT s FROM m) {cluster}""")
    return con.execute("SELECT count(*) FROM hk").fetchall()[0][0] > 0


def find_quotes(out: Path, query: str) -> list[dict]:
    """Every quote by ``query`` in the isnad output folder ``out``, oldest first."""
    import duckdb

    if not name_words(query):
        raise ValueError(f"the name {query!r} has no letters to match")
    globs = output_tables(out)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # documents.date is a UTC timestamp: show it as such
    if not match_speaker(con, globs, query):
        return []
    qfiles = {f for (f,) in con.execute("SELECT DISTINCT filename FROM hk").fetchall()}

    # 3. the full rows, and their context, from the paired part files only
    con.execute(f"""CREATE TEMP TABLE hq AS
        SELECT * FROM {_scan(sorted(qfiles))}
        WHERE quote_id IN (SELECT quote_id FROM hk)
        QUALIFY row_number() OVER (PARTITION BY doc_id, quote_id) = 1""")
    srcs = {t: globs[t] and _scan(globs[t]) for t in ("documents", "sentences", "sources")}
    paired = {t: _paired(out, qfiles, t) for t in srcs if globs[t]}
    if paired and all(paired.values()):
        cand = {t: _scan(files) for t, files in paired.items()}
        if _covers(con, cand.get("documents"), cand.get("sentences")):
            srcs.update(cand)
    rows = _context(con, srcs["documents"], srcs["sentences"], srcs["sources"])
    for r in rows:
        r["relayed_by"] = list(r["relayed_by"] or [])
        r["sources"] = list(r["sources"] or [])
        r["chain"] = chain(r)
        if r["confidence"] is not None:
            r["confidence"] = round(float(r["confidence"]), 3)
    return rows


def _covers(con, documents: str | None, sentences: str | None) -> bool:
    """Do these part files hold the document and the sentence of every matched quote?"""
    if documents and con.execute(f"""SELECT count(*) FROM (SELECT DISTINCT doc_id FROM hq) h
            WHERE h.doc_id NOT IN (SELECT doc_id FROM {documents})""").fetchall()[0][0]:
        return False
    if sentences and con.execute(f"""SELECT count(*) FROM hq h ANTI JOIN
            (SELECT doc_id, sentence_id FROM {sentences}) s USING (doc_id, sentence_id)
            WHERE h.sentence_id IS NOT NULL""").fetchall()[0][0]:
        return False
    return True


def _context(con, documents: str | None, sentences: str | None, sources: str | None) -> list[dict]:
    """Join the matched quotes (temp table ``hq``) with date, outlet, sentence and hops."""
    doc_cols = {c[0] for c in con.execute(f"SELECT * FROM {documents} LIMIT 0").description} \
        if documents else set()
    dsel = ", ".join(f"any_value({c}) AS {c}" if c in doc_cols else f"NULL::VARCHAR AS {c}"
                     for c in ("date", "outlet", "title", "url"))
    docs = (f"SELECT doc_id, {dsel} FROM {documents} WHERE doc_id IN (SELECT doc_id FROM hq) GROUP BY doc_id"
            if documents else
            "SELECT NULL::VARCHAR AS doc_id, NULL::VARCHAR AS date, NULL::VARCHAR AS outlet, "
            "NULL::VARCHAR AS title, NULL::VARCHAR AS url WHERE false")
    sents = (f"SELECT doc_id, sentence_id, any_value(text) AS text FROM {sentences} "
             "WHERE doc_id IN (SELECT doc_id FROM hq) GROUP BY ALL"
             if sentences else
             "SELECT NULL::VARCHAR AS doc_id, NULL::INT AS sentence_id, NULL::VARCHAR AS text WHERE false")
    srcs = (f"""SELECT doc_id, quote_id,
                       list({{'hop': hop, 'source': source, 'source_type': source_type, 'relation': relation}}
                            ORDER BY hop) AS hops
                FROM (SELECT DISTINCT doc_id, quote_id, hop, source, source_type, relation FROM {sources}
                      WHERE quote_id IN (SELECT quote_id FROM hq))
                GROUP BY ALL"""
            if sources else
            "SELECT NULL::VARCHAR AS doc_id, NULL::VARCHAR AS quote_id, "
            "NULL::STRUCT(hop INT, source VARCHAR, source_type VARCHAR, relation VARCHAR)[] AS hops WHERE false")
    rel = con.execute(f"""
        SELECT q.doc_id, q.quote_id, d.date, d.outlet, d.title, d.url,
               q.speaker_name, q.speaker, q.speaker_type, q.kind, q.cue, q.text AS quote,
               se.text AS sentence, q.relayed_by, so.hops AS sources, q.confidence, q.method
        FROM hq q
        LEFT JOIN ({docs}) d USING (doc_id)
        LEFT JOIN ({sents}) se ON se.doc_id = q.doc_id AND se.sentence_id = q.sentence_id
        LEFT JOIN ({srcs}) so ON so.doc_id = q.doc_id AND so.quote_id = q.quote_id
        ORDER BY d.date NULLS LAST, d.outlet, q.doc_id, q.start""")
    cols = [c[0] for c in rel.description]
    return [dict(zip(cols, r)) for r in rel.fetchall()]


def _speaker_key(query: str) -> str:
    from stages.speakers import speaker_key
    try:
        return speaker_key(query)
    except Exception:  # the stage's key function is not ours; never let it break a lookup
        return ""


def chain(row: dict) -> str:
    """The relay chain, nearest the speaker first: ``رويترز (reported_by) › د ب أ``."""
    if row.get("sources"):
        return " › ".join(f"{h['source']} ({h['relation']})" if h.get("relation") else str(h["source"])
                          for h in row["sources"])
    return " › ".join(row.get("relayed_by") or [])


# ----------------------------------------------------------------------------- output

def _clip(s: str | None, n: int) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def print_table(rows: list[dict], shown: list[dict], query: str, outlets: int, stream=None) -> None:
    stream = stream or sys.stdout
    w = len(str(len(shown)))
    for i, r in enumerate(shown, 1):
        who = r["speaker_name"] or r["speaker"] or "?"
        if r["speaker"] and r["speaker"] != r["speaker_name"]:
            who += f"  [{_clip(r['speaker'], 60)}]"
        elif not r["speaker"]:
            who += "  [implicit]"
        print(f"{i:>{w}}. {day(r['date']):<10}  {r['outlet'] or '-':<14}  {r['quote_id']}", file=stream)
        pad = " " * (w + 2)
        print(f"{pad}speaker:  {who}", file=stream)
        print(f"{pad}relay:    {r['chain'] or '-'}", file=stream)
        print(f"{pad}quote:    «{_clip(r['quote'], 300)}»", file=stream)
        print(f"{pad}sentence: {_clip(r['sentence'], 400)}", file=stream)
        print(file=stream)
    more = f" (showing {len(shown)})" if len(shown) < len(rows) else ""
    print(f"{count_line(len(rows), query, outlets)}{more}", file=stream)


def count_line(n: int, query: str, outlets: int) -> str:
    return (f"{n} quote{'s' if n != 1 else ''} by «{query}» "
            f"in {outlets} outlet{'s' if outlets != 1 else ''}")


def day(v) -> str:
    """``2015-03-01`` for a timestamp (or the text of an older output's string date)."""
    if v is None:
        return "-"
    return v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)[:10]


def iso(v):
    """A timestamp as ISO 8601 (``2015-03-01T02:51:32+00:00``) for CSV and JSON."""
    return v.isoformat() if hasattr(v, "isoformat") else v


CSV_COLS = ("date", "outlet", "doc_id", "quote_id", "speaker_name", "speaker", "kind", "cue",
            "chain", "quote", "sentence", "confidence", "title", "url")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog=prog("who"),
        description="Every quote by one speaker across an isnad output folder. Spelling variants "
                    "(أ/إ/آ/ا, ى/ي, ة/ه, diacritics, tatweel, the article ال, عبد X = عبدX) match; "
                    "a surname finds the full name; matching is on whole words.",
        epilog="exit codes: 0 quotes found, 1 no quotes found, 2 usage error or no isnad output in DIR")
    ap.add_argument("name", help="speaker name or part of it, e.g. الجبير or \"عادل الجبير\"")
    ap.add_argument("--out", required=True, help="an isnad output folder (with quotes/, sentences/, ...)")
    ap.add_argument("--limit", type=int, default=None, help="show at most N quotes (the count is always total)")
    ap.add_argument("--format", choices=("table", "csv", "json"), default="table")
    ap.add_argument("--time", action="store_true", help="print the elapsed time to stderr")
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 0:
        ap.error("--limit must be >= 0")
    out = Path(args.out)
    t0 = time.perf_counter()
    try:
        if not out.is_dir():
            raise OutputError(f"{out} is not a folder")
        rows = find_quotes(out, args.name)
    except OutputError as e:
        print(f"isnad who: {e}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as e:
        print(f"isnad who: {e}", file=sys.stderr)
        return EXIT_USAGE
    elapsed = time.perf_counter() - t0
    if not rows:
        print(f"no quotes found for «{args.name}» in {out}")
        if args.time:
            print(f"isnad who: {elapsed:.3f}s", file=sys.stderr)
        return EXIT_NONE
    shown = rows if args.limit is None else rows[: args.limit]
    outlets = len({r["outlet"] for r in rows if r["outlet"]})
    if args.format == "json":
        json.dump([dict(r, date=iso(r["date"])) for r in shown], sys.stdout, ensure_ascii=False, indent=1,
                  default=str)
        print()
    elif args.format == "csv":
        wr = csv.DictWriter(sys.stdout, fieldnames=CSV_COLS, extrasaction="ignore")
        wr.writeheader()
        wr.writerows(dict(r, date=iso(r["date"])) for r in shown)
    else:
        print_table(rows, shown, args.name, outlets)
    if args.format != "table":
        print(count_line(len(rows), args.name, outlets), file=sys.stderr)
    if args.time:
        print(f"isnad who: {elapsed:.3f}s", file=sys.stderr)
    return EXIT_FOUND
