"""Stage 7: relays — through whom the words reached the page.

Document credits go on every quote: a dateline ending in an agency
(``الرياض … واس``), a credit in brackets or after a dash (``(أ ف ب)``، ``- رويترز``),
an opening credit (``وافادت 'سانا' انه جاء في بيان …``).  Quote relays come from
the attribution frame: ``قال X لـ«الشرق الأوسط»``، ``في تصريح لقناة X``، ``نقلت
وكالة X عن Y``، ``بحسب ما نقلت X``، ``عبر حسابه في تويتر``; they carry over to the
same speaker's continuation quotes until another speaker or channel comes.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from .lexicon import Agency, Lexicon, load_lexicon
from .model import Quote
from .words import Words, strip_conj

READ_VERBS = {"تلاه", "تلته", "قراه", "قراته", "القاه", "القته", "اذاعه", "اذاعته", "تلا", "قرا"}
MEDIUM = {"بيان", "تقرير", "مؤتمر", "موتمر", "تغريده", "تغريدات", "كلمه", "خطاب", "مقابله", "حديث", "تصريح",
          "تصريحات", "تدوينه", "منشور", "رساله", "مداخله", "لقاء", "حوار", "اتصال", "ندوه", "جلسه"}
MEDIUM_ADJ = {"صحفي", "صحافي", "صحفيه", "رسمي", "رسميه", "هاتفي", "هاتفيه", "متلفز", "متلفزه", "مشترك", "مشتركه",
              "له", "لها", "صحفيا"}
FILLERS = {"الشخصي", "الشخصيه", "الرسمي", "الرسميه", "الخاص", "الخاصه", "بموقع", "موقع", "الالكتروني", "علي", "في", "له", "لها"}
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
        self.orig, self.norm = doc._.isnad_norm.orig, doc._.isnad_norm
        quotes: list[Quote] = doc._.isnad_quotes
        credits = self.document_credits(text, words, doc._.isnad_paragraphs)
        quotes = self._unwrap(words, quotes, credits)
        for q in quotes:
            for ag, s, e, rel in self.frame_relays(words, q):
                if ag.name not in q.relayed_by:
                    q.relayed_by.append(ag.name)
                    q.sources.append({"source": ag.name, "source_type": ag.type, "relation": rel,
                                      "start": s, "end": e})
        self._carry([q for q in quotes if q.parent is None])
        readers = self._readers(words, quotes)
        for q in quotes:
            q.sources.extend(self.media_links(words, q, readers))
        names = [c[0].name for c in credits]
        for q in quotes:
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
                                not tail.strip() or tail.strip()[:1] in ".،:\n" or words.ends[end_w] >= ze - 1))
                            if ok and all(hit[0] is not o[0] for o in out):
                                out.append((hit[0], words.starts[k], words.ends[end_w]))
                    pos = seg.find(open_ch, pos + 1)
        return out

    def _unwrap(self, words: Words, quotes: list[Quote], credits: list) -> list[Quote]:
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
                elif ag.name not in q.relayed_by:
                    q.relayed_by.append(ag.name)
                    q.sources.append({"source": ag.name, "source_type": ag.type, "relation": "reported_by",
                                      "start": s, "end": e})
        return quotes

    def _agency_span(self, words: Words, s: int, e: int) -> tuple[Agency, int, int] | None:
        """The first lexicon agency named between ``s`` and ``e``, with its offsets."""
        k = words.first_at_or_after(s)
        while k < len(words) and words.starts[k] < e:
            hit = self.lex.match_agency(words.forms, k) or self._match_prefixed(words.forms, k)
            if hit:
                return hit[0], words.starts[k], words.ends[k + hit[1] - 1]
            k += 1
        return None

    def _outlet_span(self, words: Words, s: int, e: int) -> tuple[Agency, int, int] | None:
        """صحيفة ديلي تلغراف، قناة فوكس نيوز: an outlet missing from the lexicon, named
        by the words after a media head (up to three, stopping at a boundary); with the
        offsets of the name itself."""
        k = words.first_at_or_after(s)
        forms = words.forms
        while k < len(forms) and words.starts[k] < e + 60:
            f = forms[k]
            b = f[1:] if f.startswith("ل") and len(f) > 3 else f
            if f in self.lex.media_heads or b in self.lex.media_heads:
                j = k + 1
                while j < len(forms) and (forms[j] in FILLERS or forms[j] in self.lex.media_heads):
                    j += 1
                for t in range(j, min(len(forms), j + 3)):
                    hit = self.lex.match_agency(forms, t)
                    if hit:
                        return hit[0], words.starts[t], words.ends[t + hit[1] - 1]
                # a name in marks right after: وكالة الصحافة الفلسطينية «صفا»
                for mk in re.finditer(r"[«“\"]([^»”\"]{2,40})[»”\"]", words.text[words.ends[k]:words.ends[k] + 80]):
                    inner = mk.group(1).strip()
                    lo = words.ends[k] + mk.start(1)
                    hi = lo + len(mk.group(1))
                    name = self.orig[self.norm.to_orig(lo):self.norm.to_orig_end(hi)].strip()
                    return Agency(name, "outlet", (tuple(inner.split()),)), lo, hi
                out = []
                while j < len(forms) and len(out) < 3 and forms[j] not in self.lex.boundaries \
                        and forms[j] not in self.lex.complementisers and not self._punct_between(words, j - 1, j, out):
                    if out and forms[j].startswith("ال") and forms[j].endswith(("يه", "ي")):
                        break  # بيلد الالمانية: a nationality adjective, not part of the name
                    out.append(self.orig[self.norm.to_orig(words.starts[j]):self.norm.to_orig_end(words.ends[j])])
                    j += 1
                if out:
                    one = forms[j - 1] if len(out) == 1 else ""
                    if one and (one.startswith("ال") or one.endswith(("يه", "ي"))):
                        return None  # حسابه الشخصي، وسائل إعلام محلية: a description, not a name
                    return Agency(" ".join(out), "outlet", (tuple(forms[j - len(out):j]),)), \
                        words.starts[j - len(out)], words.ends[j - 1]
                return None
            k += 1
        return None

    @staticmethod
    def _punct_between(words: Words, i: int, j: int, taken: list) -> bool:
        gap = words.gap(i, j)
        if not taken:
            return any(ch in gap for ch in "،,.:؛()")
        return any(ch in gap for ch in "،,.:؛()«»“”\"")

    # ------------------------------------------------------------- frames
    TRIGGERS = {"ل", "عبر", "علي", "في", "عن", "عنه", "عنها", "نقل", "نقلت", "ذكرت", "ذكر", "افادت", "اوردت",
                "بموقع", "بحساب", "حسبما", "بحسب", "حسب", "وفق", "وفقا", "لما", "ذكرته", "نقلته", "اوردته",
                "ما", "مع", "لقناه", "لصحيفه", "لوكاله", "لموقع", "لمجله", "لاذاعه"}

    def frame_relays(self, words: Words, q: Quote):
        """Relays named in the quote's frame: لـ«X»، لصحيفة X، في حديث لقناة X، عبر
        تويتر، حسبما نقل عنه التلفزيون الرسمي. The speaker mention itself is skipped."""
        s, e = q.frame_start, q.frame_end
        if e <= s:
            return []
        forms = words.forms
        k = words.first_at_or_after(s)
        out = []
        sp_s, sp_e = q.speaker_start, q.speaker_end
        according = q.cue.kind == "according"
        while k < len(forms) and words.starts[k] < e:
            in_speaker = sp_s is not None and sp_s <= words.starts[k] < sp_e
            if in_speaker and not according:
                k += 1
                continue
            f = forms[k]
            prev = forms[k - 1] if k else ""
            # the word before, skipping media heads and told-to nouns (في حديث لقناة X)
            t = k - 1
            while t >= 0 and (forms[t] in self.lex.media_heads or strip_conj(forms[t]) in TOLD_HEADS
                              or forms[t] in ("الرسمي", "موقع", "الخاص", "الرسميه")):
                t -= 1
            trig = forms[t] if t >= 0 else ""
            hit = None
            if trig in self.TRIGGERS or prev in self.TRIGGERS or strip_conj(trig) in self.TRIGGERS \
                    or (according and in_speaker) or k == words.first_at_or_after(s):
                hit = self.lex.match_agency(forms, k)
            if hit is None and f.startswith("ل") and len(f) > 2:
                hit = self._match_prefixed(forms, k)
            if hit is None and (f in self.lex.media_heads or (f.startswith("ل") and f[1:] in self.lex.media_heads)) \
                    and (trig in self.TRIGGERS or f.startswith("ل") or according):
                found = self._outlet_span(words, words.starts[k], words.ends[k])
                if found is not None:
                    ag, s0, e0 = found
                    out.append((ag, s0, e0, "told_to" if f.startswith("ل") else "reported_by"))
                    k = max(k + 1, words.first_at_or_after(e0))
                    continue
            if hit:
                ag, n = hit
                gap_before = words.text[words.ends[k - 1]:words.starts[k]] if k else ""
                marked = any(ch in gap_before for ch in "«“\"'")
                headed = t < k - 1  # صحيفة / قناة / حديث before the name
                # لـ«X» / لرويترز / في اتصال هاتفي مع "الوطن": the outlet was spoken to
                told = prev == "ل" or f.startswith("ل") or trig.startswith("ل") or trig == "مع" or prev == "مع"
                # an outlet named like a city or a word (الرياض، المدينة، الوطن، اليوم) is a
                # relay only when marked, headed or told to: وقال في الرياض is a place
                if ag.type == "outlet" and not (marked or headed or told or (according and in_speaker)
                                                 or strip_conj(trig) in ("نقلت", "نقل", "ذكرته", "نقلته", "اوردته",
                                                                         "عنه", "عنها")):
                    k += 1
                    continue
                rel = "told_to" if told else "reported_by"
                out.append((ag, words.starts[k], words.ends[k + n - 1], rel))
                k += n
                continue
            k += 1
        return out

    def _match_prefixed(self, forms, k):
        """لرويترز، للشرق الأوسط: an agency name behind the preposition لـ."""
        f = forms[k]
        if not f.startswith("ل") or len(f) < 3:
            return None
        tmp = list(forms[k:k + 4])
        tmp[0] = f[1:]
        hit = self.lex.match_agency(tmp, 0)
        if hit is None and f.startswith("لل"):
            tmp[0] = "ا" + f[1:]
            hit = self.lex.match_agency(tmp, 0)
        return hit

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
            while k + 1 < len(forms) and words.starts[k] < q.frame_end:
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

    def _carry(self, quotes: list[Quote]) -> None:
        """A relay named for one statement goes on the same speaker's continuations."""
        cur_sid = None
        cur: list[str] = []
        cur_src: list[dict] = []
        for q in quotes:
            if q.relayed_by:
                cur_sid, cur, cur_src = q.speaker_id, list(q.relayed_by), list(q.sources)
                continue
            if q.method.endswith(":svo") and not q.implicit:
                cur_sid, cur, cur_src = None, [], []  # يذكر أن خاشقجي طالب …: background, a new attribution
                continue
            if q.speaker_id is not None and q.speaker_id == cur_sid and cur:
                q.relayed_by = list(cur)
                q.sources = [dict(s) for s in cur_src]
            else:
                cur_sid, cur, cur_src = q.speaker_id, [], []
