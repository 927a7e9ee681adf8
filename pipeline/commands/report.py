"""``python run.py report --out DIR [--doc ID ...]``: a self-contained HTML report.

Writes ``DIR/report/index.html`` from the tables in ``DIR`` (any Parquet layout
under each table folder): one file, inline CSS and JS, no network assets, right to
left.  A search box filters quotes, speakers and claims in the page, and the claims that
crossed outlets come with their timelines (:mod:`pipeline.commands.report_claims`).
It opens with the "who said what" index — speakers sorted by their number of
quotes, each with their quotes across articles and the outlets that relayed them —
followed by every article with its quotes highlighted (direct, indirect and mixed in
distinct styles), the cue and the speaker mention marked, and a side panel that
shows a quote's speaker, type, relay chain, confidence and rule on hover or focus.

Every highlighted element carries ``data-quote-id`` (and quotes ``data-kind``,
``data-speaker``, ``data-speaker-type``), so the page can be checked mechanically.
"""
from __future__ import annotations

import argparse
import errno
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from stages.errors import ConfigError, RunError, make

from . import prog
from .report_claims import claim_views, fold_table_json, search_texts
from .report_html import highlight, json_in_html, safe_link  # noqa: F401 (tests read them here)

TEMPLATES = Path(__file__).resolve().parent / "templates"
KIND_AR = {"direct": "مباشر", "indirect": "غير مباشر", "mixed": "مختلط"}
TYPE_AR = {"person": "شخص", "organization": "مؤسسة", "group": "مجموعة", "document": "وثيقة",
           "agency": "وسيلة إعلام", "anonymous": "مصدر مجهّل", "unknown": "غير معروف"}
UNATTRIBUTED = "— بلا متحدث —"
RELATION_AR = {"reported_by": "نقلته", "read_by": "تلاه", "stated_in": "ورد في", "quoted_from": "نقلًا عن",
               "told_to": "في حديث لـ", "posted_on": "نُشر على", "according_to": "بحسب"}


def _read(out: Path, table: str, required: bool = True):
    import pandas as pd

    path = out / table
    if not path.exists():
        if required:
            raise make(RunError, "E203", path=out, table=table)
        return None
    return pd.read_parquet(path)


def _none(v):
    """pandas missing values (None, NaN, NA) -> None."""
    try:
        import pandas as pd
        if v is None or (not isinstance(v, (list, tuple)) and not hasattr(v, "__len__") and pd.isna(v)):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _int(v):
    v = _none(v)
    return None if v is None else int(v)


def _list(v) -> list[str]:
    v = _none(v)
    return [] if v is None else [str(x) for x in list(v)]


@dataclass
class QuoteView:
    quote_id: str
    doc_id: str
    number: int
    start: int
    end: int
    text: str
    kind: str
    cue: str
    cue_start: int | None
    cue_end: int | None
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_name: str | None
    speaker_type: str
    speaker_id: str | None
    chain: list[str]  # the hops between the words and the reader: "source (relation)", nearest first
    relays: list[str]  # the outlets that relayed it (quotes.relayed_by, outermost first)
    parent: str | None
    confidence: float
    method: str
    doc_title: str | None = None

    @property
    def who(self) -> str:
        return self.speaker_name or self.speaker or UNATTRIBUTED

    def panel(self) -> dict:
        return {"id": self.quote_id, "n": self.number, "kind": self.kind,
                "kind_ar": KIND_AR.get(self.kind, self.kind), "speaker": self.who,
                "mention": self.speaker, "type": self.speaker_type,
                "type_ar": TYPE_AR.get(self.speaker_type, self.speaker_type), "cue": self.cue,
                "chain": self.chain_text(), "confidence": round(self.confidence, 2), "method": self.method,
                "parent": self.parent}

    def chain_text(self) -> str:
        return " ← ".join([self.who, *self.chain]) if self.chain else "—"

    def tooltip(self) -> str:
        chain = self.chain_text()
        return (f"{self.number}. {KIND_AR.get(self.kind, self.kind)} ({self.kind})\n"
                f"المتحدث: {self.who} ({TYPE_AR.get(self.speaker_type, self.speaker_type)})\n"
                f"الفعل: {self.cue}\nسلسلة النقل: {chain}\n"
                f"الثقة: {self.confidence:.2f} · القاعدة: {self.method}")


def show_date(v) -> str | None:
    """``2015-07-21 02:51 UTC`` (documents.date is a UTC timestamp; older outputs hold text)."""
    v = _none(v)
    if v is None:
        return None
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d") if (v.hour, v.minute) == (0, 0) else v.strftime("%Y-%m-%d %H:%M UTC")
    return str(v)


@dataclass
class DocView:
    doc_id: str
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    relayed_by: list[str]
    html: str = ""
    quotes: list[QuoteView] = field(default_factory=list)

    @property
    def link(self) -> str | None:
        return safe_link(self.url)


@dataclass
class SpeakerEntry:
    name: str
    type: str
    quotes: list[QuoteView] = field(default_factory=list)
    relays: Counter = field(default_factory=Counter)
    outlets: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)

    @property
    def n_docs(self) -> int:
        return len({q.doc_id for q in self.quotes})


# --- building the views ------------------------------------------------------------------------

def hops(links: list[tuple[str, str]], relayed_by: list[str], *speaker: str | None) -> list[str]:
    """The relay chain after the speaker, nearest the words first: the ``sources`` hops with
    their relation, then any ``relayed_by`` outlet the sources table does not hold. A hop
    that is the speaker itself (a statement the words were stated in) is not repeated."""
    own = {s for s in speaker if s}
    out, seen = [], set()
    for source, relation in links:
        if source in own or (source, relation) in seen:
            continue
        seen.add((source, relation))
        label = RELATION_AR.get(relation, relation)
        out.append(f"{source} ({label})" if label else source)
    named = {s for s, _ in links}
    # relayed_by may add the text's spelling after the name: فرانس برس (أ ف ب) is فرانس برس
    out += [x for x in reversed(relayed_by) if x not in named and x.split(" (", 1)[0] not in named
            and x not in own]
    return out


def group_of(doc_id: str, q: QuoteView, clusters: dict) -> tuple[tuple, str]:
    """Index entry of a quote's speaker, and the name to show. Named people (two words or
    more), organisations and agencies are one entry across articles (by ``speaker_key``);
    titles, documents, groups and anonymous sources stay per article: «الوزير» or «البيان»
    in two articles are rarely the same source."""
    info = clusters.get((doc_id, str(q.speaker_id))) if q.speaker_id else None
    if info is None:
        if q.who == UNATTRIBUTED:
            return ("none",), UNATTRIBUTED
        return ("doc", doc_id, q.who), q.who
    name, typ, key = info
    name = name or q.who
    if typ in ("organization", "agency") or (typ == "person" and len(name.split()) >= 2):
        return ("key", key), name
    return ("doc", doc_id, str(q.speaker_id)), name


def build(out: Path, doc_ids: list[str] | None = None, max_docs: int | None = None
          ) -> tuple[list[DocView], list[SpeakerEntry], dict]:
    docs_df = _read(out, "documents")
    quotes_df = _read(out, "quotes")
    sources_df = _read(out, "sources", required=False)
    speakers_df = _read(out, "speakers", required=False)
    docs_df = docs_all = docs_df.drop_duplicates("doc_id", keep="last")
    quotes_all = quotes_df
    if doc_ids:
        wanted = [str(d) for d in doc_ids]
        unknown = [d for d in wanted if d not in set(docs_df["doc_id"].astype(str))]
        if unknown:
            raise make(ConfigError, "E006", section="report", key="--doc", value=unknown[0],
                       expected=f"a doc_id present in {out / 'documents'}")
        docs_df = docs_df[docs_df["doc_id"].astype(str).isin(wanted)]
    notes = {"total_docs": len(docs_df), "shown_docs": len(docs_df)}
    if max_docs and len(docs_df) > max_docs:
        docs_df = docs_df.head(max_docs)
        notes["shown_docs"] = max_docs
    keep = set(docs_df["doc_id"].astype(str))

    chains: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    if sources_df is not None and len(sources_df):
        for r in sources_df.sort_values(["doc_id", "quote_id", "hop"]).itertuples():
            chains[(str(r.doc_id), str(r.quote_id))].append(
                (str(r.source), str(_none(getattr(r, "relation", None)) or "")))
    clusters: dict[tuple[str, str], tuple[str, str, str]] = {}  # (doc, speaker_id) -> name, type, key
    if speakers_df is not None and len(speakers_df):
        for r in speakers_df.itertuples():
            name = str(_none(r.name) or "")
            key = str(_none(getattr(r, "speaker_key", None)) or name)
            clusters[(str(r.doc_id), str(r.speaker_id))] = (name, str(_none(r.type) or "unknown"), key)

    views: list[DocView] = []
    by_doc: dict[str, list[QuoteView]] = defaultdict(list)
    quotes_df = quotes_df[quotes_df["doc_id"].astype(str).isin(keep)]
    for r in quotes_df.sort_values(["doc_id", "start", "end"]).itertuples():
        did, qid = str(r.doc_id), str(r.quote_id)
        relays = _list(r.relayed_by)
        chain = hops(chains.get((did, qid), []), relays, _none(r.speaker_name), _none(r.speaker))
        by_doc[did].append(QuoteView(
            quote_id=qid, doc_id=did, number=len(by_doc[did]) + 1, start=int(r.start), end=int(r.end),
            text=str(r.text), kind=str(r.kind), cue=str(_none(r.cue) or ""), cue_start=_int(r.cue_start),
            cue_end=_int(r.cue_end), speaker=_none(r.speaker), speaker_start=_int(r.speaker_start),
            speaker_end=_int(r.speaker_end), speaker_name=_none(r.speaker_name),
            speaker_type=str(_none(r.speaker_type) or "unknown"), speaker_id=_none(r.speaker_id),
            chain=chain, relays=relays, parent=_none(r.parent_quote_id),
            confidence=float(_none(r.confidence) or 0.0), method=str(_none(r.method) or "")))

    entries: dict[str, SpeakerEntry] = {}
    for r in docs_df.itertuples():
        did = str(r.doc_id)
        v = DocView(doc_id=did, title=_none(r.title), outlet=_none(r.outlet), date=show_date(r.date),
                    url=_none(r.url), relayed_by=_list(r.relayed_by), quotes=by_doc.get(did, []))
        v.html = highlight(str(r.text), v.quotes)
        for q in v.quotes:
            q.doc_title = v.title
        views.append(v)
        for q in v.quotes:
            if q.parent is not None:
                continue  # a nested quote is read through its parent
            key, name = group_of(did, q, clusters)
            e = entries.setdefault(key, SpeakerEntry(name=name, type=q.speaker_type))
            e.quotes.append(q)
            e.names[name] += 1
            e.relays.update(q.relays)
            if v.outlet:
                e.outlets[v.outlet] += 1
    for e in entries.values():
        # the fullest of the most frequent names
        top = max(e.names.values())
        e.name = max((n for n, c in e.names.items() if c == top), key=len)
    ranked = sorted(entries.values(),
                    key=lambda e: (e.name == UNATTRIBUTED, -len(e.quotes), -e.n_docs, e.name))
    # claims that crossed outlets, with appearances in other articles than the page's too
    notes["claims"], notes["crossed"] = claim_views(
        out, _read, docs_all, quotes_all,
        lambda did, qid, relays, name, mention: hops(chains.get((did, qid), []), relays, name, mention),
        keep, show_date, UNATTRIBUTED)
    return views, ranked, notes


def render(views: list[DocView], speakers: list[SpeakerEntry], notes: dict, source: str) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             trim_blocks=True, lstrip_blocks=True)
    tpl = env.get_template("report.html.j2")
    panel = {q.quote_id: q.panel() for v in views for q in v.quotes}
    kinds = Counter(q.kind for v in views for q in v.quotes)
    entry_search, quote_search = search_texts(speakers, UNATTRIBUTED)
    return tpl.render(
        docs=views, speakers=speakers, notes=notes, source=source, kinds=kinds,
        n_quotes=sum(len(v.quotes) for v in views), KIND_AR=KIND_AR, TYPE_AR=TYPE_AR,
        unattributed=UNATTRIBUTED, claims=notes.get("claims", []), crossed=notes.get("crossed", 0),
        entry_search=entry_search, quote_search=quote_search, fold_json=fold_table_json(),
        panel_json=json_in_html(panel),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def write_report(out: Path, doc_ids: list[str] | None = None, max_docs: int | None = 500) -> Path:
    views, speakers, notes = build(out, doc_ids, max_docs)
    html = render(views, speakers, notes, str(out))
    d = out / "report"
    d.mkdir(parents=True, exist_ok=True)
    path = d / "index.html"
    tmp = d / ".index.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=prog("report"),
        description="Write a self-contained HTML report (OUT/report/index.html) of an isnad output "
                    "folder: 'who said what' index, and every article with its quotes highlighted.")
    ap.add_argument("--out", required=True, type=Path, help="the isnad output folder to report on")
    ap.add_argument("--doc", action="append", default=None, metavar="ID",
                    help="only this document (repeatable)")
    ap.add_argument("--max-docs", type=int, default=500,
                    help="at most this many documents in one page (default 500; 0 = no limit)")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        path = write_report(args.out, args.doc, args.max_docs or None)
    except OSError as e:  # a read-only output folder (or disk), a full disk
        target = getattr(e, "filename", None) or args.out / "report"
        code = "E207" if e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) else "E202"
        err = make(RunError, code, path=target, error=e.strerror or str(e)) if code == "E207" else \
            make(RunError, code, path=args.out, error=f"{e.strerror or e} ({target}); the report is written "
                                                       f"to OUT/report/, so OUT must be writable")
        print(f"isnad report: {err}", file=sys.stderr)
        return 1 if code == "E207" else 2
    print(f"isnad report: {path}")
    return 0
