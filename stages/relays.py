"""Stage 7: relays — through whom the words reached the page.

Article credits go on every quote of the story they head: a dateline ending in an
agency (``الرياض … واس``), a credit in brackets or after a dash (``باريس (أ ف ب) -``،
``واس- جدة:``، ``الرياض ـ واس``), an opening credit (``وافادت 'سانا' انه جاء في بيان …``),
a tail credit (``… (رويترز)``); see :mod:`stages.relay_credits`.  Quote relays come
from the attribution frame: ``قال X لـ«الشرق الأوسط»``، ``قالت لـ"الاقتصادية" مصادر``،
``في تصريح لقناة X``، ``متحدثا إلى X``، ``أبلغ «X»``، ``في اتصال هاتفي مع X``، ``نقلت
وكالة X عن Y``، ``بحسب ما نقلت X``، ``في البيان الذي نشرته «X»``، ``عبر حسابه في تويتر``،
``مصادر «الجزيرة»``; they carry over to the same speaker's continuation quotes until
another speaker or channel comes.  The frame is read in :mod:`stages.relays_frames`, outlet
names in :mod:`stages.relays_outlets`; this module holds the stage, the labels, the medium
(في بيان …، تلاه X) and the carry-over.

In ``relayed_by`` a relay is written as the text names it (``الجزيرة مباشر``); when that
spelling is not the lexicon's name, the name comes first and the spelling in brackets
(``فرانس برس (أ ف ب)``، ``فرانس برس (وكالة الصحافة الفرنسية)``), so one entry says both
which agency and how the article credits it.  ``sources`` rows hold the lexicon's name
(``source``) and point at the words of the text (``start``/``end``).
"""
from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from . import budget
from .lexicon import Agency, Lexicon, _name_key, load_lexicon
from .model import Quote, ext
from .relay_credits import CreditFinder
from .relays_frames import MEDIUM, FrameRelays
from .relays_outlets import MARKED_NAME, MAX_FRAME_WORDS, OutletNames
from .words import Words, strip_conj

READ_VERBS = {"تلاه", "تلته", "قراه", "قراته", "القاه", "القته", "اذاعه", "اذاعته", "تلا", "قرا"}
MEDIUM_ADJ = {"صحفي", "صحافي", "صحفيه", "رسمي", "رسميه", "هاتفي", "هاتفيه", "متلفز", "متلفزه", "مشترك", "مشتركه",
              "له", "لها", "صحفيا"}
_NO_MARKS = str.maketrans("", "", "«»“”\"„‹›{}")


@Language.factory(
    "isnad_relays",
    requires=["doc._.isnad_quotes", "doc._.isnad_speakers"],
    assigns=["doc._.isnad_relays", "doc._.isnad_doc_sources"],
    default_config={"config_path": None},
)
def make_relays(nlp: Language, name: str, config_path: str | None) -> "RelayTracer":
    return RelayTracer(load_lexicon(config_path))


def _contains(hay: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


def _bare_key(name: str) -> tuple[str, ...]:
    """Words of a name without the article, to compare spellings: الوكالات = وكالات."""
    return tuple(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in _name_key(name))


class RelayTracer(FrameRelays, OutletNames, CreditFinder):
    def __init__(self, lex: Lexicon):
        self.lex = lex
        rw = lex.relay_words
        self.triggers = rw.get("triggers", frozenset())
        self.told_heads = rw.get("told_heads", frozenset())
        self.talk_verbs = rw.get("talk_verbs", frozenset())
        self.told_lemmas = rw.get("told_lemmas", frozenset())
        self.report_verbs = rw.get("report_verbs", frozenset())
        self.frame_skip = rw.get("frame_skip", frozenset())
        self.fillers = rw.get("fillers", frozenset())
        self.source_heads = rw.get("source_heads", frozenset())
        self.anaphora = rw.get("anaphora", frozenset())
        self.fronted = rw.get("fronted", frozenset())
        self.ascribing = rw.get("ascribing", frozenset())
        self.posting = rw.get("posting", frozenset())
        self.site_heads = rw.get("site_heads", frozenset())
        self.news_words = rw.get("news_words", frozenset())
        self.paper_heads = rw.get("paper_heads", frozenset())
        self.broadcast_heads = rw.get("broadcast_heads", frozenset())
        self.ordinals = rw.get("ordinals", frozenset())
        self.account_heads = rw.get("account_heads", frozenset())
        self.published = rw.get("published", frozenset())
        self.continuation = rw.get("continuation", frozenset())

    def __call__(self, doc: Doc) -> Doc:
        words: Words = doc.user_data["isnad_words"]
        self.orig, self.norm = ext(doc, "isnad_norm").orig, ext(doc, "isnad_norm")
        self.marks = sorted((m for m in ext(doc, "isnad_marks") or [] if m.end - m.start <= MARKED_NAME),
                            key=lambda m: m.start)
        self.mark_starts = [m.start for m in self.marks]
        self._outlets = None
        quotes: list[Quote] = ext(doc, "isnad_quotes")
        stories = self.stories(words, ext(doc, "isnad_paragraphs"))
        named: dict[int, set[str]] = {id(q): set() for q in quotes}  # lexicon names per quote
        self._unwrap(words, quotes, stories[0].credits, named)
        ends = sorted(q.end for q in quotes if q.parent is None)
        for q in quotes:
            budget.check()  # the document's time budget (stages/budget.py)
            for ag, s, e, rel in self.frame_relays(words, q, ends):
                self._add(q, named[id(q)], ag, s, e, rel)
        self._carry(words, [q for q in quotes if q.parent is None], named)
        readers = self._readers(words, quotes)
        for q in quotes:
            q.sources.extend(self.media_links(words, q, readers))
        starts = [st.start for st in stories]
        labelled = [[(ag, *self.label(ag, s, e)) for ag, s, e in st.credits] for st in stories]
        for q in quotes:
            credits = labelled[max(0, bisect_right(starts, q.start) - 1)]
            mine = named[id(q)]
            names = [lab for ag, lab, _, _ in credits if ag.name not in mine]
            q.relayed_by = list(dict.fromkeys(names + q.relayed_by))
        for q in quotes:
            p = q.parent
            if p is not None:
                # a nested quote reaches us through the quote that holds it
                q.relayed_by = list(p.relayed_by)
                s0 = p.speaker_start if p.speaker_start is not None else p.cue.start
                e0 = p.speaker_end if p.speaker_end is not None else p.cue.end
                q.sources = [dict(x) for x in p.sources] + [
                    {"source": p.speaker_name or "", "source_type": p.speaker_type, "relation": "quoted_from",
                     "start": s0, "end": e0}]
        doc._.isnad_quotes = quotes
        doc._.isnad_relays = list(dict.fromkeys(lab for cr in labelled for _, lab, _, _ in cr))
        doc._.isnad_doc_sources = [{"source": ag.name, "source_type": ag.type, "relation": "reported_by",
                                    "start": s, "end": e} for cr in labelled for ag, lab, s, e in cr]
        return doc

    # ------------------------------------------------------------ labels
    def label(self, ag: Agency, s: int, e: int, in_mark: bool = True) -> tuple[str, int, int]:
        """The relay as the text names it, and the offsets of those words: without a
        clitic (لرويترز → رويترز، للشرق الأوسط → الشرق الأوسط), the whole name when it
        stands in marks (“الجزيرة مباشر”، “العربية.نت”), the lexicon name first when
        the text spells it otherwise (فرانس برس (أ ف ب))."""
        norm = self.norm
        text = norm.text
        first = {k[0] for k in ag.keys + ag.credit_keys}
        lead = ""
        w_end = s
        while w_end < e and text[w_end].isalnum():
            w_end += 1
        w = text[s:w_end]
        if w not in first and len(w) > 2:
            if w.startswith("لل") and "ال" + w[2:] in first:
                lead = "ال"  # للشرق = ل + الشرق: the alef is not written
            elif w[0] in "لبوف" and w[1:] in first:
                s += 1
        # a name in marks that goes on past the lexicon's words
        i = bisect_right(self.mark_starts, s) - 1 if in_mark else -1
        if i >= 0:
            m = self.marks[i]
            if m.start <= s and e <= m.end and len(text[m.start:m.end].split()) <= 4:
                s, e = m.start, m.end
                while s < e and not text[s].isalnum():
                    s += 1
                while e > s and not text[e - 1].isalnum():
                    e -= 1
        surface = " ".join(self.orig[norm.to_orig(s):norm.to_orig_end(e)].translate(_NO_MARKS).split())
        if lead:
            surface = "ال" + surface[2:]
        sw, cw = _bare_key(surface), _bare_key(ag.name)
        if not sw or sw == cw or _contains(cw, sw):
            return ag.name, s, e
        if _contains(sw, cw):
            if sw[0] in self.lex.media_heads and _contains(sw[1:], cw):
                # وكالة رويترز: the name after the head (not widened to the marks again, which
                # would start over at the head: «وكالة الأنباء …» looped without end)
                return self.label(ag, s + len(text[s:e]) - len(text[s:e].split(None, 1)[1]), e, in_mark=False)
            return surface, s, e
        return f"{ag.name} ({surface})", s, e

    def _add(self, q: Quote, mine: set[str], ag: Agency, s: int, e: int, rel: str) -> None:
        if ag.name in mine:
            return
        lab, s, e = self.label(ag, s, e)
        if lab in q.relayed_by:
            return
        mine.add(ag.name)
        q.relayed_by.append(lab)
        q.sources.append({"source": ag.name, "source_type": ag.type, "relation": rel, "start": s, "end": e})

    def _unwrap(self, words: Words, quotes: list[Quote], credits: list, named: dict[int, set[str]]) -> None:
        """Relay mentions the content stage found: a wrapper in the first sentence is
        the article's opening credit (وافادت 'سانا' انه جاء في بيان …); elsewhere, and
        for "according to" phrases naming an outlet, a relay of that quote."""
        for q in quotes:
            for n_span, (s, e) in enumerate(q.relay_spans):
                found = self._agency_span(words, s, e) or self._outlet_span(words, s, e)
                if found is None:
                    continue
                ag, s, e = found
                if q.wrapped and n_span == 0 and q.sentence == 0:
                    if all(c[0].name != ag.name for c in credits):
                        credits.append((ag, s, e))
                else:
                    self._add(q, named[id(q)], ag, s, e, "reported_by")

    # ------------------------------------------------------------- media
    def _readers(self, words: Words, quotes: list[Quote]) -> dict[str, dict]:
        """بيان … تلاه وزير خارجية كازاخستان خيرات عبد الرحمانوف: who read a document out,
        per document speaker id."""
        out: dict[str, dict] = {}
        forms = words.forms
        for q in quotes:
            if q.speaker_type != "document" or q.speaker_start is None or q.speaker_id in out:
                continue
            k = words.first_at_or_after(q.speaker_end)
            for t in range(k, min(len(forms), k + 12)):
                if forms[t] in READ_VERBS:
                    j = t + 1
                    last = j
                    while j < len(forms) and j < t + 9 and forms[j] not in self.lex.boundaries \
                            and forms[j] not in self.lex.complementisers and not any(
                                ch in words.gap(j - 1, j) for ch in "،,.:؛()«»“”\""):
                        last = j
                        j += 1
                    if last >= t + 1 and last < len(forms):
                        s0, e0 = words.starts[t + 1], words.ends[last]
                        out[q.speaker_id] = {"source": self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)],
                                             "source_type": "person", "relation": "read_by", "start": s0, "end": e0}
                    break
                if any(ch in words.gap(t - 1, t) for ch in ".:") or forms[t] in self.lex.complementisers:
                    break
        return out

    def media_links(self, words: Words, q: Quote, readers: dict[str, dict]) -> list[dict]:
        """The document or occasion the words were stated in (جاء في بيان …، في مؤتمر
        صحفي، في تغريدة) and who read it out; outermost first."""
        links = []
        if q.speaker_type == "document" and q.speaker_name:
            s0 = q.speaker_start if q.speaker_start is not None else q.cue.start
            e0 = q.speaker_end if q.speaker_end is not None else q.cue.end
            links.append({"source": q.speaker_name, "source_type": "document", "relation": "stated_in",
                          "start": s0, "end": e0})
        else:
            forms = words.forms
            k = words.first_at_or_after(q.frame_start)
            last_k = k + MAX_FRAME_WORDS
            while k + 1 < len(forms) and words.starts[k] < q.frame_end and k < last_k:
                if forms[k] in ("في", "عبر", "خلال") and (forms[k + 1] in MEDIUM or forms[k + 1] in self.lex.documents):
                    j = k + 2
                    if j < len(forms) and words.starts[j] < q.frame_end + 20 and forms[j] in MEDIUM_ADJ:
                        j += 1
                    s0, e0 = words.starts[k + 1], words.ends[j - 1]
                    links.append({"source": self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)],
                                  "source_type": "document", "relation": "stated_in", "start": s0, "end": e0})
                    break
                k += 1
        if q.speaker_id in readers and q.speaker_type == "document":
            links.append(dict(readers[q.speaker_id]))
        return links

    def _carry(self, words: Words, quotes: list[Quote], named: dict[int, set[str]]) -> None:
        """A relay named for one statement goes on the same speaker's continuations,
        until another speaker or a new channel comes. A quote whose speaker was only
        guessed from an entity in the carried quote's content (وأوضح أن الحكومة نددت …،
        ودعت …) is part of that statement: it neither takes nor stops the relay."""
        cur_sid = None
        cur: list[str] = []
        cur_src: list[dict] = []
        cur_names: set[str] = set()
        for q in quotes:
            if q.relayed_by:
                cur_sid, cur, cur_src, cur_names = q.speaker_id, list(q.relayed_by), list(q.sources), named[id(q)]
                continue
            if "implicit-entity" in q.method and cur:
                continue

            if q.method.endswith(":svo") and not q.implicit and not self._continues(words, q):
                cur_sid, cur, cur_src = None, [], []  # يذكر أن خاشقجي طالب …: background, a new attribution
                continue
            if cur and q.speaker_id == cur_sid and (q.speaker_id is not None or q.implicit):
                # the same speaker named again, or وأضاف: right after (both unresolved)
                q.relayed_by = list(cur)
                q.sources = [dict(s) for s in cur_src]
                named[id(q)] |= cur_names
            else:
                cur_sid, cur, cur_src = q.speaker_id, [], []

    def _continues(self, words: Words, q: Quote) -> bool:
        """وتابع الشيخ عبدالعزيز آل الشيخ يقول: a speaker named after a verb that continues
        his words is the same statement going on, not a new attribution."""
        if q.speaker_start is None:
            return False
        k = words.first_at_or_after(q.speaker_start)
        for i in range(k - 1, max(-1, k - 7), -1):
            if strip_conj(words.forms[i]) in self.continuation:
                return True
            if any(ch in words.gap(i, i + 1) for ch in ".:؛،,\n«»“”\""):
                return False
        return False
