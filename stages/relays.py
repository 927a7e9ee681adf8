"""Stage 7: relays — through whom the words reached the page.

Article credits go on every quote of the story they head: a dateline ending in an
agency (``الرياض … واس``), a credit in brackets or after a dash (``باريس (أ ف ب) -``،
``واس- جدة:``، ``الرياض ـ واس``), an opening credit (``وافادت 'سانا' انه جاء في بيان …``),
a tail credit (``… (رويترز)``); see :mod:`stages.relay_credits`.  Quote relays come
from the attribution frame: ``قال X لـ«الشرق الأوسط»``، ``قالت لـ"الاقتصادية" مصادر``،
``في تصريح لقناة X``، ``متحدثا إلى X``، ``أبلغ «X»``، ``في اتصال هاتفي مع X``، ``نقلت
وكالة X عن Y``، ``بحسب ما نقلت X``، ``في البيان الذي نشرته «X»``، ``عبر حسابه في تويتر``،
``مصادر «الجزيرة»``; they carry over to the same speaker's continuation quotes until
another speaker or channel comes.

In ``relayed_by`` a relay is written as the text names it (``الجزيرة مباشر``); when that
spelling is not the lexicon's name, the name comes first and the spelling in brackets
(``فرانس برس (أ ف ب)``، ``فرانس برس (وكالة الصحافة الفرنسية)``), so one entry says both
which agency and how the article credits it.  ``sources`` rows hold the lexicon's name
(``source``) and point at the words of the text (``start``/``end``).
"""
from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from . import budget
from .lexicon import Agency, Lexicon, _name_key, load_lexicon
from .textnorm import fold
from .model import Quote, ext
from .relay_credits import CreditFinder
from .words import Words, strip_conj

READ_VERBS = {"تلاه", "تلته", "قراه", "قراته", "القاه", "القته", "اذاعه", "اذاعته", "تلا", "قرا"}
MEDIUM = {"بيان", "تقرير", "مؤتمر", "موتمر", "تغريده", "تغريدات", "كلمه", "خطاب", "مقابله", "حديث", "تصريح",
          "تصريحات", "تدوينه", "منشور", "رساله", "مداخله", "لقاء", "حوار", "اتصال", "ندوه", "جلسه"}
MEDIUM_ADJ = {"صحفي", "صحافي", "صحفيه", "رسمي", "رسميه", "هاتفي", "هاتفيه", "متلفز", "متلفزه", "مشترك", "مشتركه",
              "له", "لها", "صحفيا"}
FRONTED_WORDS = 12  # a fronted phrase (وفي تصريح لـ«X»، قال …) is looked for this far before the cue
MARKED_NAME = 40  # characters: a name in marks (“الجزيرة مباشر”) is at most this long
# Bounds on the scans that keep the stage linear in a document's length (a frame can run
# to the end of its sentence, and a sentence of thousands of "according to" phrases gave
# every quote a frame of thousands of words). News text stays far inside them: in 31k
# SaudiNewsNet articles a frame's relay lies at most 146 words into it.
MAX_FRAME_WORDS = 300  # words of a frame read for relays and for the medium (في بيان)
MAX_HEAD_RUN = 8  # media heads, fillers and told-to nouns walked over in a row
_NO_MARKS = str.maketrans("", "", "«»“”\"„‹›{}")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s،,)»”\"']+|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|gov|edu|info)"
                    r"(?:\.[a-z]{2})?\b")
SITE_WORDS = 6  # a website named after its head word: الموقع الرسمي لمكتب رئيس الوزراء العراقي
OPEN_MARKS = "«»“”\"'„‹›{}"  # writers open with either side of a pair (لـ”عين اليوم”)


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


class RelayTracer(CreditFinder):
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

    def _agency_span(self, words: Words, s: int, e: int) -> tuple[Agency, int, int] | None:
        """The first lexicon agency named between ``s`` and ``e``, with its offsets."""
        k = words.first_at_or_after(s)
        while k < len(words) and words.starts[k] < e:
            hit = self.lex.match_agency(words.forms, k) or self._match_prefixed(words.forms, k)
            if hit and hit[0].ambiguous and not (any(ch in words.gap(k - 1, k) for ch in OPEN_MARKS)
                                                 or (k and words.forms[k - 1] in self.lex.media_heads)):
                hit = None  # المركز الإحصائي لدول الخليج: a place, not the newspaper
            if hit:
                return hit[0], words.starts[k], words.ends[k + hit[1] - 1]
            k += 1
        return None

    def _outlet_span(self, words: Words, s: int, e: int, clitics: str = "ل") -> tuple[Agency, int, int] | None:
        """صحيفة ديلي تلغراف، قناة فوكس نيوز: an outlet missing from the lexicon, named
        by the words after a media head (up to three, stopping at a boundary); with the
        offsets of the name itself."""
        k = words.first_at_or_after(s)
        forms = words.forms
        while k < len(forms) and words.starts[k] < e + 60:
            f = forms[k]
            b = f[1:] if f[:1] in clitics and len(f) > 3 else f
            if f in self.lex.media_heads or b in self.lex.media_heads:
                hit = self.lex.match_agency(forms, k) or self._match_prefixed(forms, k)
                if hit:  # وكالة الصحافة الفرنسية: the head starts a name the lexicon knows
                    return hit[0], words.starts[k], words.ends[k + hit[1] - 1]
                j = k + 1
                while j < len(forms) and j <= k + MAX_HEAD_RUN and (forms[j] in self.fillers
                                                                    or forms[j] in self.lex.media_heads):
                    j += 1
                for t in range(j, min(len(forms), j + 3)):
                    if t > k + 1 and any(ch in words.gap(t - 1, t) for ch in ".،,:؛!?؟\n"):
                        break  # على حساب العرب. الحضارة العربية: not across a sentence or clause
                    hit = self.lex.match_agency(forms, t)
                    if hit and hit[0].ambiguous and t > j:
                        hit = None  # وكالة الإعلام الروسية اليوم: a word, past the name's place
                    if hit:
                        return hit[0], words.starts[t], words.ends[t + hit[1] - 1]
                # a name in marks right after: وكالة الصحافة الفلسطينية «صفا»
                for mk in re.finditer(r"[«“\"]([^»”\"]{2,40})[»”\"]", words.text[words.ends[k]:words.ends[k] + 80]):
                    if len(words.text[words.ends[k]:words.ends[k] + mk.start()].split()) > 3 \
                            or len(mk.group(1).split()) > 4:
                        break  # the marks belong to something said later, not to this head
                    inner = mk.group(1).strip()
                    lo = words.ends[k] + mk.start(1)
                    hi = lo + len(mk.group(1))
                    name = self.orig[self.norm.to_orig(lo):self.norm.to_orig_end(hi)].strip()
                    return Agency(name, "outlet", (_name_key(name),)), lo, hi
                found = None if self.lex.match_agency(forms, j) else self._broadcaster(words, k)
                if found is not None:
                    return found
                if forms[j] in self.news_words:
                    # وكالة الأنباء العراقية، وكالة أنباء الشرق: a national agency named by its
                    # adjective; the head is part of the name
                    end = j + 1
                    while end < len(forms) and end < j + 3 and not self._punct_between(words, end - 1, end, [1]) \
                            and (forms[end].endswith(("يه", "ي")) or forms[end] in self.fillers
                                 or (forms[end] == forms[j + 1] if end == j + 1 else False)):
                        end += 1
                    if end > j + 1:
                        s0, e0 = words.starts[k] + (1 if f != b else 0), words.ends[end - 1]
                        name = " ".join(self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)].split())
                        return Agency(name, "agency", (_name_key(name),)), s0, e0
                if f in self.account_heads or b in self.account_heads:
                    return None  # حساب الاتحاد الكويتي: the account's owner, not an outlet
                out = []
                while j < len(forms) and len(out) < 3 and forms[j] not in self.lex.boundaries \
                        and forms[j] not in self.lex.complementisers and forms[j] not in self.lex.cue_forms \
                        and not self._punct_between(words, j - 1, j, out):
                    if out and forms[j].startswith("ال") and forms[j].endswith(("يه", "ي")):
                        break  # بيلد الالمانية: a nationality adjective, not part of the name
                    if out and forms[j][:1].isascii() != forms[j - 1][:1].isascii():
                        break  # إذاعة mix fm بخطأه: the name ends where the script changes
                    out.append(self.orig[self.norm.to_orig(words.starts[j]):self.norm.to_orig_end(words.ends[j])])
                    j += 1
                if out:
                    one = forms[j - 1] if len(out) == 1 else ""
                    if one and (one.endswith(("يه", "ي")) or one in self.fillers or one in self.lex.boundaries
                                or (one.startswith("ال") and strip_conj(b) not in self.paper_heads)):
                        # حسابه الشخصي، وكالة الفضاء، موقع الاحتفال: a description, not a name;
                        # after صحيفة/جريدة/مجلة one word is the paper's name (صحيفة القبس)
                        return None
                    return Agency(" ".join(out), "outlet", (_name_key(" ".join(out)),)), \
                        words.starts[j - len(out)], words.ends[j - 1]
                return None
            k += 1
        return None

    @staticmethod
    def _punct_between(words: Words, i: int, j: int, taken: list) -> bool:
        gap = words.gap(i, j)
        if not taken:
            return any(ch in gap for ch in "،,.:؛()«“")  # a name in marks is read as a whole, above
        return any(ch in gap for ch in "،,.:؛()«»“”\"")

    # ------------------------------------------------------------- frames
    def _fronted_start(self, words: Words, q: Quote, ends: list[int]) -> int | None:
        """وفي تصريح لـ«الشرق الأوسط»، قال X / وفي بيان نشر على موقع «فيسبوك»، حدد X: a
        told-to or medium phrase fronted before the cue belongs to the frame; so does the
        verb that ascribes a verbal noun's words (نسبت/نقلت وكالة X إلى/عن Y قوله). Looked
        for over a few words back from the cue, not across a sentence end or another quote."""
        forms = words.forms
        c = words.first_at_or_after(q.cue.start)
        i = bisect_right(ends, q.cue.start) - 1
        floor = ends[i] if i >= 0 else 0
        for t in range(c - 1, max(-1, c - 1 - FRONTED_WORDS), -1):
            if words.ends[t] <= floor or any(ch in words.gap(t, t + 1) for ch in ".!?؟:\n"):
                return None
            f = strip_conj(forms[t])
            if q.cue.kind == "noun" and f in self.ascribing:
                return words.starts[t]  # ونسبت وكالة الصحافة الفرنسية إلى وزير قوله إن
            if f in ("في", "عبر", "خلال", "علي") and self._platform_after(words, t, c) and any(
                    strip_conj(forms[x]) in self.posting or strip_conj(forms[x]) in self.report_verbs
                    or forms[x] in self.lex.cue_forms for x in range(max(0, t - 3), t)):
                # وغرد الوزير على تويتر قائلا / وكتب جنبلاط عبر «تويتر» أمس يشكو: the platform a
                # verb of writing or saying put the words on (not التعريف بالاحتفال عبر تويتر)
                return words.starts[t]
            if forms[t] in self.lex.complementisers or forms[t] in self.lex.cue_forms:
                return None  # وصرح السفير … بأن الرئيس رحب: inside another statement
            if q.cue.kind == "participle" and f in self.told_heads and t + 1 < c and (
                    forms[t + 1][:1] == "ل" or forms[t + 1] in ("الي", "مع")):
                return words.starts[t]  # واختتم حديثه لـ"سبق" قائلا: the talk the participle goes on
            if q.cue.kind == "participle" and t + 1 < c and forms[t][:1] == "ل" and (
                    forms[t] == "ل" or forms[t][1:] in self.lex.media_heads or self._match_prefixed(forms, t)):
                return words.starts[t]  # وتحدث المدرب لـ«الرياضية» قائلا / لخص طروحاته لمجلة X قائلا
            # وردا على سؤال وكالة فرانس برس، قال X: the outlet that asked was answered
            answer = f == "علي" and t > 0 and strip_conj(forms[t - 1]) == "ردا"
            if (f in ("في", "عبر", "خلال") or answer) and t + 1 < c and (
                    forms[t + 1] in self.fronted or forms[t + 1] in self.told_heads or forms[t + 1] in MEDIUM):
                h = t - 1 if answer else t
                gap = words.gap(h - 1, h) if h else "\n"
                if h == 0 or any(ch in gap for ch in ".!?؟:،,\n") or forms[h].startswith("و"):
                    return words.starts[h]
        return None

    def _platform_after(self, words: Words, t: int, c: int) -> bool:
        """Is a social platform named in the few words after the preposition at word ``t``
        and before the cue at ``c`` (على تويتر، عبر حسابه بتويتر، في حسابه على «فيسبوك»)?"""
        forms = words.forms
        for j in range(t + 1, min(c, t + 6)):
            if any(ch in words.gap(j - 1, j) for ch in ".!?؟:\n") or forms[j] in self.lex.complementisers:
                return False
            hit = self.lex.match_agency(forms, j) or self._match_prefixed(forms, j)
            if hit is not None:
                return hit[0].type == "platform" and not hit[0].ambiguous
        return False

    def frame_relays(self, words: Words, q: Quote, ends: list[int]):
        """Relays named in the quote's frame: لـ«X»، لصحيفة X، في حديث لقناة X، عبر
        تويتر، حسبما نقل عنه التلفزيون الرسمي، مصادر «X». The speaker mention itself is
        skipped, except for the outlet its sources spoke to."""
        s, e = q.frame_start, q.frame_end
        if e <= s:
            return []
        fronted = self._fronted_start(words, q, ends)
        if fronted is not None and fronted < s:
            s = fronted
        forms = words.forms
        k = words.first_at_or_after(s)
        first_k = k
        out = list(self._source_outlet(words, q))
        sp_s, sp_e = q.speaker_start, q.speaker_end
        according = q.cue.kind == "according"
        told_obj = fold(q.cue.lemma) in self.told_lemmas
        if sp_s is not None and not according:
            # وقال شالوم [للقناة التلفزيونية …]: a mention that ran on over the outlet spoken to
            j = words.first_at_or_after(sp_s)
            f = forms[j] if j < len(forms) else ""
            if not (f[:2] == "لل" and (self._match_prefixed(forms, j) or "ال" + f[2:] in self.broadcast_heads)):
                j += 1  # وقال [للجزيرة نت] إن: a mention that is the outlet spoken to names no speaker
            while j < len(forms) and words.starts[j] < sp_e:
                f = forms[j]
                if f[:1] == "ل" and (f[1:] in self.lex.media_heads or "ال" + f[2:] in self.broadcast_heads
                                     or "ال" + f[2:] in self.anaphora or "ال" + f[2:] in self.site_heads
                                     or self._match_prefixed(forms, j)):
                    sp_e = words.starts[j]  # … المدير الفني لارسنال [للموقع الرسمي للنادي]
                    break
                if told_obj and f in self.lex.media_heads and not f.startswith("ال"):
                    sp_e = words.starts[j]  # أبلغ مسؤول حكومي [وكالة أنباء "رويترز"]: the one told
                    break
                j += 1
        if sp_s is not None and not according:
            j = words.first_at_or_after(sp_s)
            hit = self.lex.match_agency(forms, j) if told_obj else None
            if hit is not None and j + hit[1] < len(forms) and words.starts[j + hit[1]] < sp_e \
                    and any(ch in words.gap(j - 1, j) for ch in OPEN_MARKS):
                sp_s = words.starts[j + hit[1]]  # وأفاد «عكاظ» مصدر مطلع بأن: the outlet told comes first
            j = words.first_at_or_after(sp_s) + 1
            while j + 1 < len(forms) and words.starts[j + 1] < sp_e:
                if strip_conj(forms[j]) in self.published and (
                        self.lex.match_agency(forms, j + 1) or forms[j + 1] in self.lex.media_heads):
                    sp_e = words.starts[j]  # وذكر بيان [نشرته وكالة الأنباء السعودية]: the outlet that carried it
                    break
                j += 1
        # وقالت وكالة أنباء الصين الجديدة (شينخوا): the speaker's own name is no relay of it
        own = set()
        if sp_s is not None and not according:
            j = words.first_at_or_after(sp_s)
            while j < len(forms) and words.starts[j] < sp_e:
                hit = self.lex.match_agency(forms, j)
                if hit:
                    own.add(hit[0].name)
                j += 1
        # أبلغ الوزير «الشرق الأوسط» أن: the marked or headed outlet after the cue was told
        last_k = first_k + MAX_FRAME_WORDS
        while k < len(forms) and words.starts[k] < e and k < last_k:
            in_speaker = sp_s is not None and sp_s <= words.starts[k] < sp_e
            # وقال المحلل [للصحيفة]: a mention that ran on over the outlet spoken to
            if in_speaker and not according and not (words.ends[k] == sp_e and forms[k].startswith("لل")):
                k += 1
                continue
            f = forms[k]
            prev = forms[k - 1] if k else ""
            # the word before, skipping media heads and told-to nouns (في حديث لقناة X)
            t = k - 1
            while t >= max(0, k - MAX_HEAD_RUN) and (forms[t] in self.lex.media_heads or strip_conj(forms[t]) in
                                                     self.told_heads or forms[t] in self.frame_skip):
                t -= 1
            trig = forms[t] if t >= 0 else ""
            trig0 = strip_conj(trig)
            # متحدثا إلى «X» / في حديثه إلى X: the outlet spoken to
            to_told = trig == "الي" and t > 0 and (strip_conj(forms[t - 1]) in self.told_heads
                                                 or strip_conj(forms[t - 1]) in self.talk_verbs)
            gate = (trig in self.triggers or prev in self.triggers or trig0 in self.triggers
                    or to_told or told_obj or (according and in_speaker) or k == first_k)
            hit = self.lex.match_agency(forms, k) if gate else None
            if hit is None and len(f) > 2 and f[0] in "لب":
                hit = self._match_prefixed(forms, k)
            if hit is None and not in_speaker and prev == "الاجتماعي":
                # بشبكة التواصل الاجتماعي (تويتر): the platform a network's description names
                # (not نائب رئيس شركة «فيسبوك»)
                hit = self.lex.match_agency(forms, k)
                if hit is not None and (hit[0].type != "platform" or hit[0].ambiguous):
                    hit = None
            if hit is None and (gate or f[:1] == "ل") and not in_speaker:
                # لراديو إسرائيل، للقناة التلفزيونية الإسرائيلية العاشرة، نقلا عن إذاعة الجيش الإسرائيلي
                found = None if k + 1 < len(forms) and self.lex.match_agency(forms, k + 1) else \
                    self._broadcaster(words, k)
                if found is not None:
                    out.append((*found, "told_to" if f[:1] == "ل" else "reported_by"))
                    k = max(k + 1, words.first_at_or_after(found[2]))
                    continue
            ana = "ال" + f[2:] if f.startswith("لل") else strip_conj(f)
            last_of_speaker = in_speaker and words.ends[k] == sp_e
            if hit is None and ana in self.anaphora and (
                    (trig0 in self.report_verbs and k == t + 1 and not in_speaker)
                    or (f.startswith("لل") and (not in_speaker or last_of_speaker))):
                # ونقلت الصحيفة عن الوزير قوله / وقال المحلل للصحيفة: the outlet named before
                found = self._last_outlet(words, words.starts[k], ana)
                if found is not None:  # the sources row points where the outlet was named
                    out.append((*found, "told_to" if f.startswith("لل") else "reported_by"))
                    k += 1
                    continue
            site = f in self.site_heads or (f.startswith("لل") and "ال" + f[2:] in self.site_heads)
            if site and (trig0 == "عبر" or f.startswith("ل") or any(
                    strip_conj(forms[j]) in self.published for j in range(max(0, t - 3), t))) and (
                    hit is None or hit[0].ambiguous):
                # في بيان نشر على الموقع الرسمي لمكتب العبادي: the website the words were posted on
                found = self._website(words, k)
                if found is not None:
                    ag, s0, e0 = found
                    out.append((ag, s0, e0, "told_to" if f.startswith("ل") else "reported_by"))
                    k = max(k + 1, words.first_at_or_after(e0))
                    continue
            # خلال لقائه بقناة «العربية»، في اتصال بإذاعة X: بـ after a talk noun is "with"
            with_b = f[:1] == "ب" and f[1:] in self.lex.media_heads and strip_conj(prev) in self.told_heads
            if hit is None and (f in self.lex.media_heads or (f.startswith("ل") and f[1:] in self.lex.media_heads)
                                or with_b) \
                    and (trig in self.triggers or trig0 in self.triggers or f.startswith("ل") or according
                         or to_told or told_obj or k == first_k or with_b):
                found = self._outlet_span(words, words.starts[k], words.ends[k], "لب" if with_b else "ل")
                if found is not None:
                    ag, s0, e0 = found
                    told = f.startswith("ل") or to_told or told_obj or trig0 == "مع"
                    if not (according and in_speaker and not self._relayed_source(words, t, k, sp_e)):
                        out.append((ag, s0, e0, "told_to" if told else "reported_by"))
                    k = max(k + 1, words.first_at_or_after(e0))
                    continue
            if hit is None and ((trig0 in self.published and k == t + 1) or (prev == "ل" and self._told_li(words, q, k - 1))):
                # في البيان الذي نشرته «ستار تريبيون» / قال لـ«الخليج»: a name in marks after a
                # verb of publishing, or after a standalone لـ (the outlet spoken to)
                found = self._marked_name(words, k)
                if found is not None:
                    out.append((*found, "told_to" if prev == "ل" else "reported_by"))
                    k = max(k + 1, words.first_at_or_after(found[2]))
                    continue
            if hit and hit[0].name in own:
                k += hit[1]
                continue
            if hit:
                ag, n = hit
                if according and in_speaker and not self._relayed_source(words, t, k, sp_e):
                    # بحسب قناة "العربية" / وحسب معلومات "الوطن" / حسبما ذكرت صحيفة «هندوستان
                    # تايمز»: the outlet is the speaker (the article's, no relay)
                    k += n
                    continue
                gap_before = words.text[words.ends[k - 1]:words.starts[k]] if k else ""
                marked = any(ch in gap_before for ch in OPEN_MARKS)
                headed = t < k - 1 or f in self.lex.media_heads  # صحيفة / قناة / حديث before the name
                if headed and ag.ambiguous and forms[k - 1] in self.account_heads:
                    headed = False  # حساب الاتحاد الكويتي: the federation's account, not the newspaper
                # لـ«X» / لرويترز / في اتصال هاتفي مع "الوطن" / أبلغ «X»: the outlet was spoken to
                told = (prev == "ل" or f.startswith("ل") or trig.startswith("ل") or trig0 == "مع" or prev == "مع"
                        or to_told or (told_obj and (marked or headed or ag.type != "outlet" or f in self.lex.media_heads)))
                # an outlet named like a city or a word (الرياض، المدينة، الوطن، اليوم) is a
                # relay only when marked, headed or told to: وقال في الرياض is a place
                if ag.type == "outlet" and not (marked or headed or told or (according and in_speaker)
                                                 or trig0 in self.report_verbs or trig0 in ("عنه", "عنها")):
                    k += 1
                    continue
                # a standalone لـ (لـ الوطن، لـ(الوطن)) or a talk frame (في اتصال هاتفي مع المدينة)
                # names the outlet; للحياة، للشرق الأوسط، وقال في الرياض are a word or a place
                talk = told and any(strip_conj(forms[j]) in self.told_heads for j in range(max(0, k - 4), k))
                # قال مسؤول للجزيرة إن: a prefixed name right after the cue or the speaker
                said_to = ag.told_unmarked and f.startswith("ل") and not according and self._told_li(words, q, k)
                if ag.ambiguous and not (marked or headed or prev == "ل" or talk or said_to):
                    k += 1
                    continue
                rel = "told_to" if told else "reported_by"
                out.append((ag, words.starts[k], words.ends[k + n - 1], rel))
                k += n
                continue
            k += 1
        return out

    def _website(self, words: Words, k: int) -> tuple[Agency, int, int] | None:
        """A website named after ``موقع`` (word ``k``): a platform or outlet on it (موقع
        فيسبوك، موقع «سيريا ديبلي»), its address (موقعها الإلكتروني: www.sfda.gov.sa),
        or the site of a named body (الموقع الرسمي لمكتب العبادي، موقع وزارة العدل)."""
        forms = words.forms
        j = k + 1
        while j < len(forms) and j <= k + 3 and (forms[j] in self.fillers or forms[j] in self.frame_skip):
            j += 1
        for t in range(j, min(len(forms), j + 3)):
            hit = self.lex.match_agency(forms, t) or (self._match_prefixed(forms, t) if forms[t][:1] == "ل" else None)
            if hit and not hit[0].ambiguous:  # موقع الاتحاد الدولي: the federation's site
                return self._outlet_span(words, words.starts[k], words.ends[k]) if forms[t][:1] == "ل" and \
                    hit[0].type == "outlet" else (hit[0], words.starts[t], words.ends[t + hit[1] - 1])
        tail = words.ends[j - 1]
        m = URL_RE.search(words.text, tail, min(len(words.text), tail + 60))
        if m and not any(ch.isalpha() and not ch.isascii() for ch in words.text[tail:m.start()]):
            url = m.group().rstrip(".")
            return Agency(url, "platform", (_name_key(url),)), m.start(), m.start() + len(url)
        gap = words.gap(k, k + 1) if k + 1 < len(forms) else ""
        if any(ch in gap for ch in OPEN_MARKS):
            found = self._outlet_span(words, words.starts[k], words.ends[k])
            if found is not None:
                return found
        head = strip_conj(forms[k])
        lead = ""
        if head.startswith("لل") and "ال" + head[2:] in self.site_heads:
            head, lead = "ال" + head[2:], "ال"  # للموقع = ل + الموقع: the alef is not written
        head = head[1:] if head[:1] in "لب" and head[1:] in self.site_heads else head
        if head.startswith("موقع") and head != "موقع":
            return None  # موقعها الإلكتروني، موقعه على شبكة الإنترنت: named only by an address
        if head.startswith("ال") and (j >= len(forms) or not forms[j].startswith("ل")):
            return None  # الموقع الرسمي لمكتب العبادي: the site of a body, not any words after it
        end = j
        while end < len(forms) and end < j + SITE_WORDS and forms[end] not in self.lex.boundaries \
                and forms[end] not in self.lex.complementisers and forms[end] not in self.lex.cue_forms \
                and not any(ch in words.gap(end - 1, end) for ch in "،,.:؛()«»“”\"\n"):
            end += 1
        if end == j:
            return None  # موقعها الإلكتروني: no site named
        s0 = words.starts[k] + (len(forms[k]) - len(head))  # بموقع، لموقع: without the clitic
        e0 = words.ends[end - 1]
        m = re.match(r"\s*\(([^()\n]{2,30})\)", words.text[e0:e0 + 34])
        if m and len(m.group(1).split()) <= 3:
            e0 += m.end()  # موقع السوق المالية (تداول): the site's own name in brackets
        name = self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)]
        if lead:
            name = lead + name[2:]  # the sources row keeps للموقع (as للشرق الأوسط)
        return Agency(name, "platform", (_name_key(name),)), s0, e0

    def _broadcaster(self, words: Words, k: int) -> tuple[Agency, int, int] | None:
        """إذاعة الجيش الإسرائيلي، للقناة التلفزيونية الإسرائيلية العاشرة، لراديو إسرائيل: a
        broadcaster is named with its head word and what describes it (up to four words:
        a noun after an indefinite head, then adjectives and ordinals)."""
        forms = words.forms
        f = forms[k]
        s0, lead = words.starts[k], ""
        if f.startswith("لل") and "ال" + f[2:] in self.broadcast_heads:
            h, lead = "ال" + f[2:], "ال"  # للقناة = ل + القناة: the alef is not written
        elif f[:1] in "لب" and f[1:] in self.broadcast_heads:
            h, s0 = f[1:], s0 + 1
        else:
            h = f
        if h not in self.broadcast_heads:
            return None
        j = k + 1
        if not h.startswith("ال") and j < len(forms) and not self._punct_between(words, k, j, [1]) \
                and forms[j] not in self.lex.complementisers and forms[j] not in self.lex.boundaries:
            j += 1  # راديو إسرائيل، إذاعة الجيش
            while j < len(forms) and j < k + 4 and forms[j].isascii() and forms[j - 1].isascii() \
                    and not self._punct_between(words, j - 1, j, [1]):
                j += 1  # إذاعة MBC FM
        while j < len(forms) and j < k + 5 and not self._punct_between(words, j - 1, j, [1]) and (
                (forms[j].startswith("ال") and forms[j].endswith(("يه", "ي"))) or forms[j] in self.ordinals):
            j += 1
        if j == k + 1:
            return None  # التلفزيون alone: an outlet referred back to, not named
        e0 = words.ends[j - 1]
        name = " ".join(self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)].split())
        if lead:
            name = lead + name[2:]
        return Agency(name, "outlet", (_name_key(name),)), s0, e0

    def _told_li(self, words: Words, q: Quote, i: int) -> bool:
        """Is the standalone لـ at word ``i`` "to" (قال الوزير لـ«X»، في تصريح لـ«X»), not
        "of" after a title (المدير العام لـ«أياتا»)? It follows the cue, the speaker
        mention or a talk noun."""
        if i == 0:
            return True
        b = words.forms[i - 1]
        return (words.ends[i - 1] == q.speaker_end or words.ends[i - 1] == q.cue.end
                or strip_conj(b) in self.lex.cue_forms or b in self.lex.cue_forms
                or strip_conj(b) in self.told_heads or b in self.frame_skip)

    def _marked_name(self, words: Words, k: int) -> tuple[Agency, int, int] | None:
        """The name in marks that starts at word ``k`` (at most four words)."""
        i = bisect_right(self.mark_starts, words.starts[k]) - 1
        m = self.marks[i] if i >= 0 else None
        if m is None or not (m.start <= words.starts[k] < m.end) or words.text[m.start:words.starts[k]].strip():
            # ل"دنيا الرياضة": a " glued to the preposition opens no quote for the marks
            # stage (a letter before it); the pair is read here, on its line
            text = words.text
            o = words.starts[k] - 1
            if o < 0 or text[o] != '"' or (o and text[o - 1] != "ل"):
                return None
            c = text.find('"', o + 1, o + 1 + MARKED_NAME)
            if c < 0 or "\n" in text[o:c]:
                return None
            lo, hi = o + 1, c
        else:
            lo, hi = m.start, m.end
        inner = words.text[lo:hi].strip()
        if not inner or len(inner.split()) > 4:
            return None
        s0 = lo + (len(words.text[lo:hi]) - len(words.text[lo:hi].lstrip()))
        e0 = s0 + len(inner)
        name = " ".join(self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)].split())
        return Agency(name, "outlet", (_name_key(name),)), s0, e0

    def _relayed_source(self, words: Words, t: int, k: int, sp_e: int) -> bool:
        """In an according phrase, is the outlet at word ``k`` the channel of another source
        (بحسب ما نقلت وكالة رويترز عن مسؤولين، حسبما نقلت عنه صحيفة X) rather than the
        speaker itself (حسبما ذكرت صحيفة «هندوستان تايمز»: the outlet speaks, no relay)?"""
        forms = words.forms
        if not self._reported(forms, t, k):
            return False
        if any(strip_conj(forms[j]) in ("عنه", "عنها", "عنهم") for j in range(max(0, k - 3), k)):
            return True
        j = k + 1
        while j < len(forms) and words.starts[j] < sp_e + 40 and j <= k + 6:
            if forms[j] == "عن":
                return True
            if any(ch in words.gap(j - 1, j) for ch in ".،,:؛\n"):
                return False
            j += 1
        return False

    def _reported(self, forms: list[str], t: int, k: int) -> bool:
        """بحسب ما نقلت وكالة رويترز، وفقا لما ذكرته “المدينة”: a verb of reporting before
        the outlet makes it the channel (relay), not the speaker."""
        for j in range(max(0, min(t, k - 1) - 1), k):
            if strip_conj(forms[j]) in self.report_verbs:
                return True
            if forms[j].startswith(("حسبما", "بحسبما", "وفقما")) and len(forms[j]) > 5:
                return True
        return False

    def _source_outlet(self, words: Words, q: Quote):
        """مصادر «الجزيرة»، مصدر لـ«عكاظ»، مصادر القناة: anonymous sources named by the
        outlet they spoke to; ``القناة``/``الصحيفة`` refer to the last outlet named before."""
        if q.speaker_start is None or q.cue.kind == "according":
            return
        forms = words.forms
        i = words.first_at_or_after(q.speaker_start)
        if i >= len(forms) or strip_conj(forms[i]) not in self.source_heads:
            return
        j = i + 1
        while j < len(forms) and words.starts[j] < q.speaker_end and j <= i + 3:
            f = forms[j]
            hit = self.lex.match_agency(forms, j) or (self._match_prefixed(forms, j) if f.startswith("ل") else None)
            if hit:
                gap = words.gap(j - 1, j)
                if any(ch in gap for ch in OPEN_MARKS) or forms[j - 1] in self.lex.media_heads or (
                        not hit[0].ambiguous and (hit[0].type != "outlet" or f.startswith("ل"))):
                    yield hit[0], words.starts[j], words.ends[j + hit[1] - 1], "told_to"
                return
            if f in self.anaphora:
                found = self._last_outlet(words, words.starts[i], f)
                if found is not None:
                    yield (*found, "told_to")
                return
            if f in self.lex.media_heads:
                found = self._outlet_span(words, words.starts[j], words.ends[j])
                if found is not None:
                    yield (*found, "told_to")
                return
            j += 1

    def _last_outlet(self, words: Words, before: int, head: str):
        """The last outlet named before ``before`` under the media head that ``head``
        (القناة، الصحيفة، الوكالة) stands for (an agency named alone counts for الوكالة);
        one pass over the document, done once, then a bisection per look-up."""
        if self._outlets is None:
            self._outlets = {}
            forms = words.forms
            heads = self.lex.media_heads
            for k, f in enumerate(forms):
                b = f[1:] if f[:1] in "لب" and f[1:] in heads else f
                found, h = None, ""
                if b in heads and not b.startswith("ال"):  # قناة X، لصحيفة X
                    found, h = self._outlet_span(words, words.starts[k], words.ends[k]), "ال" + b
                elif (k == 0 or forms[k - 1] not in heads) and f in self.lex.agency_index:
                    hit = self.lex.match_agency(forms, k)  # ذكرت رويترز … ونقلت الوكالة عن
                    if hit and hit[0].type == "agency":
                        found, h = (hit[0], words.starts[k], words.ends[k + hit[1] - 1]), "الوكاله"
                if found is not None:
                    pos, got = self._outlets.setdefault(h, ([], []))
                    pos.append(words.starts[k])
                    got.append(found)
        pos, got = self._outlets.get(head, ((), ()))
        i = bisect_right(pos, before - 1) - 1
        return got[i] if i >= 0 else None

    def _match_prefixed(self, forms, k):
        """لرويترز، للشرق الأوسط، بتويتر: an agency name behind the preposition لـ or بـ."""
        f = forms[k]
        if f[:1] not in "لب" or len(f) < 3:
            return None
        tmp = list(forms[k:k + 4])
        tmp[0] = f[1:]
        hit = self.lex.match_agency(tmp, 0)
        if hit is None and f.startswith("لل"):
            tmp[0] = "ا" + f[1:]
            hit = self.lex.match_agency(tmp, 0)
        if hit is not None and f[0] == "ب" and hit[0].type != "platform":
            return None  # بالعربية is "in Arabic"
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
