"""The report's claims view and its search index (used by :mod:`pipeline.commands.report`).

For every claim that crossed outlets (``claims.n_outlets > 1``) and has an appearance
among the page's articles: its timeline — every appearance oldest first, with date,
outlet, the speaker as resolved and as mentioned, and the relay chain; the first one is
marked.  Most travelled claims first, at most ``MAX_CLAIMS``.

The page's search box filters quotes, speakers and claims in the browser.  The texts it
searches are normalised here, as claims and ``trace`` normalise them
(:func:`pipeline.claims.normalise_many`), and the query in the page with the same
folding table (:data:`stages.textnorm.FOLD` and ``REMOVED``, passed to the page as
JSON), so that ``اسرائيل`` finds ``إسرائيل`` there too.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..claims import normalise_many

MAX_CLAIMS = 200


@dataclass
class Appearance:
    quote_id: str
    doc_id: str
    date: str | None
    outlet: str | None
    speaker: str  # as resolved
    mention: str | None  # as the article names the speaker
    chain: list[str]
    first: bool = False
    shown: bool = False  # the article is on the page: the appearance links to it
    title: str | None = None


@dataclass
class ClaimView:
    claim_id: str
    text: str
    n_documents: int
    n_outlets: int
    appearances: list[Appearance] = field(default_factory=list)
    search: str = ""


def claim_views(out: Path, read, docs_all, quotes_all, chain_of: Callable, shown: set[str],
                show_date: Callable, unattributed: str) -> tuple[list[ClaimView], int]:
    """The claims to show (most travelled first) and how many crossed outlets in all.

    ``read(out, table, required)`` reads a table; ``docs_all``/``quotes_all``: every
    document and quote (not only the page's); ``chain_of(doc_id, quote_id, relays,
    speaker_name, speaker)``: a quote's relay chain; ``shown``: the page's doc_ids."""
    claims_df = read(out, "claims", False)
    if claims_df is None or not len(claims_df) or "claim_id" not in quotes_all.columns:
        return [], 0
    crossed = claims_df[claims_df["n_outlets"] > 1]
    top = quotes_all[quotes_all["claim_id"].isin(set(crossed["claim_id"]))]
    touching = set(top.loc[top["doc_id"].astype(str).isin(shown), "claim_id"])
    crossed = crossed[crossed["claim_id"].isin(touching)]
    total = len(crossed)
    crossed = crossed.sort_values(["n_outlets", "n_documents", "first_date", "claim_id"],
                                  ascending=[False, False, True, True]).head(MAX_CLAIMS)
    rows = top[top["claim_id"].isin(set(crossed["claim_id"]))].merge(
        docs_all[["doc_id", "date", "outlet", "title"]], on="doc_id", how="left")
    rows = rows.sort_values(["claim_id", "date", "doc_id", "start"], na_position="last")
    views = {str(c.claim_id): ClaimView(str(c.claim_id), str(c.text), int(c.n_documents), int(c.n_outlets))
             for c in crossed.itertuples()}
    for r in rows.itertuples():
        did, qid = str(r.doc_id), str(r.quote_id)
        name, mention = _str(r.speaker_name), _str(r.speaker)
        relays = [str(x) for x in (r.relayed_by if r.relayed_by is not None else [])]
        views[str(r.claim_id)].appearances.append(Appearance(
            quote_id=qid, doc_id=did, date=show_date(r.date), outlet=_str(r.outlet),
            speaker=name or mention or unattributed, mention=mention, chain=chain_of(did, qid, relays, name, mention),
            shown=did in shown, title=_str(r.title)))
    ordered = [views[str(c)] for c in crossed["claim_id"]]
    for v in ordered:
        if v.appearances:
            v.appearances[0].first = True  # rows come oldest first
    texts = [" ".join([v.text] + [a.speaker for a in v.appearances] + [a.outlet or "" for a in v.appearances])
             for v in ordered]
    for v, s in zip(ordered, normalise_many(texts)):
        v.search = s
    return ordered, total


def _str(v) -> str | None:
    try:
        import pandas as pd
        if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def search_texts(speakers, unattributed: str) -> tuple[dict[int, str], dict[str, str]]:
    """Normalised search text of every speaker entry (its name and its quotes) and of
    every quote (its text and speaker): ``(by entry index, by quote_id)``."""
    keys, texts = [], []
    for i, e in enumerate(speakers):
        keys.append(("e", i))
        texts.append(" ".join([e.name] + [q.text for q in e.quotes]))
        for q in e.quotes:
            keys.append(("q", q.quote_id))
            texts.append(f"{q.text} {q.who if q.who != unattributed else ''}")
    by_entry, by_quote = {}, {}
    for (kind, k), s in zip(keys, normalise_many(texts)):
        (by_entry if kind == "e" else by_quote)[k] = s
    return by_entry, by_quote


def fold_table_json() -> str:
    """What the page needs to normalise a query as :func:`normalise_many` does."""
    from stages.textnorm import FOLD, REMOVED
    pairs = {chr(k): v for k, v in FOLD.items()}
    return json.dumps({"pairs": pairs, "removed": REMOVED.pattern}, ensure_ascii=False).replace("</", "<\\/")
