"""Stage 7: relays — through whom the words reached the page.

Document credits go on every quote: a dateline ending in an agency
(``الرياض … واس``), a credit in brackets or after a dash (``(أ ف ب)``، ``- رويترز``),
an opening credit (``وافادت 'سانا' انه جاء في بيان …``).  Quote relays come from
the attribution frame: ``قال X لـ«الشرق الأوسط»``، ``في تصريح لقناة X``، ``نقلت
وكالة X عن Y``، ``بحسب ما نقلت X``، ``عبر حسابه في تويتر``; they carry over to the
same speaker's continuation quotes until another speaker or channel comes.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .lexicon import Agency, Lexicon, load_lexicon
from .model import Quote
from .words import Words, strip_conj

TOLD_HEADS = {"تصريح", "تصريحات", "حديث", "مقابله", "لقاء", "اتصال", "مداخله", "حوار"}


@Language.factory(
    "isnad_relays",
    requires=["doc._.isnad_quotes", "doc._.isnad_speakers"],
    assigns=["doc._.isnad_relays", "doc._.isnad_doc_sources"],
    default_config={"config_path": None},
)
def make_relays(nlp: Language, name: str, config_path: str | None) -> "RelayTracer":
    return RelayTracer(load_lexicon(config_path))


class RelayTracer:
    def __init__(self, lex: Lexicon):
        self.lex = lex

    def __call__(self, doc: Doc) -> Doc:
        words: Words = doc.user_data["isnad_words"]
        text = doc._.isnad_norm.text
        quotes: list[Quote] = doc._.isnad_quotes
        credits = self.document_credits(text, words, doc._.isnad_paragraphs)
        quotes = self._unwrap(text, words, quotes, credits, doc._.isnad_sentences)
        for q in quotes:
            for ag, s, e, rel in self.frame_relays(words, q):
                if ag.name not in q.relayed_by:
                    q.relayed_by.append(ag.name)
                    q.sources.append({"source": ag.name, "source_type": ag.type, "relation": rel,
                                      "start": s, "end": e})
        self._carry(quotes)
        names = [c[0].name for c in credits]
        for q in quotes:
            q.relayed_by = list(dict.fromkeys(names + q.relayed_by))
        doc._.isnad_quotes = quotes
        doc._.isnad_relays = list(dict.fromkeys(names))
        doc._.isnad_doc_sources = [{"source": ag.name, "source_type": ag.type, "relation": "reported_by",
                                    "start": s, "end": e} for ag, s, e in credits]
        return doc

    # ------------------------------------------------------------ credits
    def document_credits(self, text: str, words: Words, paragraphs) -> list[tuple[Agency, int, int]]:
        out = []
        if not words.forms or not paragraphs:
            return out
        ps, pe = paragraphs[0]
        first_ws = words.first_at_or_after(ps)
        last_w = words.last_before(pe)
        # dateline: a short first paragraph ending with an agency (… 2015 م واس)
        if last_w - first_ws < 25:
            for k in range(max(first_ws, last_w - 3), last_w + 1):
                hit = self.lex.match_agency(words.forms, k)
                if hit and k + hit[1] - 1 == last_w and hit[0].type == "agency":
                    out.append((hit[0], words.starts[k], words.ends[last_w]))
                    break
        # (أ ف ب) / (رويترز) / - رويترز in the first two paragraphs or at the end
        zones = paragraphs[:2] + paragraphs[-1:]
        for zs, ze in zones:
            seg = text[zs:ze]
            for open_ch, close_ch in (("(", ")"), ("-", None), ("–", None)):
                pos = seg.find(open_ch)
                while pos >= 0:
                    k = words.first_at_or_after(zs + pos)
                    if k < len(words) and words.starts[k] < ze:
                        hit = self.lex.match_agency(words.forms, k)
                        if hit and hit[0].type == "agency":
                            end_w = k + hit[1] - 1
                            tail = text[words.ends[end_w]:words.ends[end_w] + 2]
                            ok = (close_ch is not None and close_ch in tail) or (close_ch is None and (
                                not tail.strip() or tail.strip()[:1] in ".،\n" or words.ends[end_w] >= ze - 1))
                            if ok and all(hit[0] is not o[0] for o in out):
                                out.append((hit[0], words.starts[k], words.ends[end_w]))
                    pos = seg.find(open_ch, pos + 1)
        return out

    def _unwrap(self, text, words, quotes, credits, sents):
        """A quote by an agency whose content is itself attributed speech is a relay
        wrapper (وافادت 'سانا' انه جاء في بيان …): drop it, credit the agency."""
        keep = []
        for q in quotes:
            if q.wrapper is not None:
                ag = self._agency_in(words, *q.wrapper)
                if ag is not None:
                    if q.start < 300 and all(c[0] is not ag for c in credits):
                        credits.append((ag, *q.wrapper))
                    elif q.start >= 300:
                        q.relayed_by.append(ag.name)
                        q.sources.append({"source": ag.name, "source_type": ag.type, "relation": "reported_by",
                                          "start": q.wrapper[0], "end": q.wrapper[1]})
        for i, q in enumerate(quotes):
            ag = self._agency_in(words, q.speaker_start, q.speaker_end) if q.speaker_start is not None else None
            inner = [p for p in quotes if p is not q and q.start <= p.cue.start < q.end]
            if ag is not None and inner:
                if q.sentence == 0 or q.start < 200 and i == 0:
                    if all(c[0] is not ag for c in credits):
                        credits.append((ag, q.speaker_start, q.speaker_end))
                else:
                    for p in inner:
                        p.relayed_by.append(ag.name)
                        p.sources.append({"source": ag.name, "source_type": ag.type, "relation": "reported_by",
                                          "start": q.speaker_start, "end": q.speaker_end})
                continue
            keep.append(q)
        return keep

    def _agency_in(self, words: Words, s: int, e: int) -> Agency | None:
        k = words.first_at_or_after(s)
        while k < len(words) and words.starts[k] < e:
            hit = self.lex.match_agency(words.forms, k)
            if hit and hit[0].type == "agency":
                return hit[0]
            if hit is None and strip_conj(words.forms[k]) != words.forms[k]:
                pass
            k += 1
        return None

    # ------------------------------------------------------------- frames
    def frame_relays(self, words: Words, q: Quote):
        """Relays named in the quote's frame: لـ«X»، لصحيفة X، في حديث لقناة X، عبر تويتر."""
        s = q.frame_start
        e = q.frame_end
        if e <= s:
            return []
        forms = words.forms
        k = words.first_at_or_after(s)
        out = []
        sp_s, sp_e = q.speaker_start, q.speaker_end
        while k < len(forms) and words.starts[k] < e:
            if sp_s is not None and sp_s <= words.starts[k] < sp_e and q.cue.kind != "according":
                k += 1
                continue
            f = forms[k]
            cand = None
            # لـ«الشرق الأوسط» / لـ X: the ل is a word of its own after tatweel removal
            if f == "ل" and k + 1 < len(forms):
                cand = (k + 1, "told_to")
            elif f.startswith("ل") and len(f) > 2:
                rest = f[1:]
                if rest in self.lex.media_heads or ("ال" + rest[1:] if rest.startswith("ل") else rest) in self.lex.media_heads:
                    cand = (k + 1, "told_to")
                else:
                    forms_tmp = forms[k:k + 1]
                    del forms_tmp
                    hit = self._match_prefixed(forms, k, rest)
                    if hit:
                        out.append((hit[0], words.starts[k], words.ends[k + hit[1] - 1], "told_to"))
            elif f in ("عبر", "علي", "في", "بموقع", "بحساب") or f in self.lex.media_heads:
                cand = (k + 1, "reported_by" if f not in ("عبر",) else "reported_by")
            elif q.cue.kind == "according" and sp_s is not None and sp_s <= words.starts[k] < sp_e:
                cand = (k, "reported_by")
            if cand:
                j, rel = cand
                # skip media heads: صحيفة، قناة، حسابه، موقع
                while j < len(forms) and words.starts[j] < e + 40 and (
                        forms[j] in self.lex.media_heads or strip_conj(forms[j]) in TOLD_HEADS
                        or forms[j] in ("الرسمي", "بموقع", "موقع", "في", "علي", "له", "لها")):
                    j += 1
                if j < len(forms):
                    hit = self.lex.match_agency(forms, j)
                    if hit and (hit[0].type != "outlet" or rel == "told_to" or forms[j - 1] in self.lex.media_heads
                                or q.cue.kind == "according" or forms[k] in ("عبر",)):
                        out.append((hit[0], words.starts[j], words.ends[j + hit[1] - 1], rel))
            k += 1
        return out

    def _match_prefixed(self, forms, k, rest):
        tmp = list(forms[k:k + 4])
        tmp[0] = rest
        hit = self.lex.match_agency(tmp, 0)
        if hit is None and rest.startswith("ل"):
            tmp[0] = "ا" + rest
            hit = self.lex.match_agency(tmp, 0)
        return hit

    def _carry(self, quotes: list[Quote]) -> None:
        """A relay named for one statement goes on the same speaker's continuations."""
        cur_sid = None
        cur: list[str] = []
        cur_src: list[dict] = []
        for q in quotes:
            if q.relayed_by:
                cur_sid, cur, cur_src = q.speaker_id, list(q.relayed_by), list(q.sources)
                continue
            if q.speaker_id is not None and q.speaker_id == cur_sid and cur:
                q.relayed_by = list(cur)
                q.sources = [dict(s) for s in cur_src]
            else:
                cur_sid, cur, cur_src = q.speaker_id, [], []
