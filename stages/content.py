"""Stage 5: the content of each cue, and where its speaker mention lies.

For a cue the rules read, left to right inside its sentence::

    CUE [SPEAKER] [adjuncts: في بيان، لـ«X»، أمس] OPENER CONTENT

where OPENER is a complementiser (إن، أن، أنه، بأن), the preposition the verb
governs (أشار إلى، شدد على، رحب بـ), a colon, or an opening quotation mark.
Verbs that take a bare object (وأكدت الدول الضامنة في البيان ضرورة …) open content
at the first word after the speaker and adjuncts.  Indirect content ends at the
sentence end, or before a later cue that starts a new quote (… مبينا ان …).  Cues
after their content (…، قال X / …، بحسب ما ذكر X / كما أفاد X) take the clause
before them; "according to" phrases inside a sentence take both sides.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from itertools import accumulate

from spacy.language import Language
from spacy.tokens import Doc

from . import budget
from .lexicon import Lexicon, load_lexicon
from .model import Cue, Mark, Quote, ext
from .names import DocNames
from .ner import NameTagger
from .content_bounds import Bounds
from .content_forms import OtherForms, subhead_quotes, trim as _trim
from .content_frame import Frame
from .spanindex import Indexed, SpeechMarks
from .speakers_np import NounPhrases
from .words import RELATIVES, Words, definite, strip_conj

PUNCT_STOP = set("،,:؛;()[]")
NEGATIONS = {"لم", "ولم", "لن", "ولن", "لا", "ولا", "ما", "وما", "فلم", "فلا"}
# A sentence's cues are resolved against each other (which one cuts the content of
# another, which quotes clash), a cost that grows with the square of their number. No
# prose sentence holds this many (28 at most in 31k SaudiNewsNet articles); a longer
# run of cues (قال قال قال …) is resolved in groups of this size.
MAX_CUES_PER_PASS = 64


@Language.factory(
    "isnad_content",
    requires=["doc._.isnad_cues", "doc._.isnad_marks", "doc._.isnad_sentences"],
    assigns=["doc._.isnad_quotes"],
    default_config={"config_path": None},
)
def make_content(nlp: Language, name: str, config_path: str | None) -> "ContentFinder":
    return ContentFinder(load_lexicon(config_path), config_path)



class ContentFinder:
    def __init__(self, lex: Lexicon, config_path: str | None = None):
        self.lex = lex
        self.np = NounPhrases(lex)
        # the learned name recogniser ([names] recogniser = false switches it off)
        use = lex.config.get("names", {}).get("recogniser", True)
        self.tagger = NameTagger.load(config_path=config_path) if use else None

    def __call__(self, doc: Doc) -> Doc:
        words: Words = doc.user_data["isnad_words"]
        words.names = DocNames(self.tagger, words, [words.first_at_or_after(c.start) for c in ext(doc, "isnad_cues")])
        sents = ext(doc, "isnad_sentences")
        cues = ext(doc, "isnad_cues")
        speech = SpeechMarks(m for m in ext(doc, "isnad_marks") if not m.is_name)
        quotes: list[Quote] = []
        if cues:
            sent_starts = [s for s, _ in sents]
            by_sent: dict[int, list[Cue]] = {}
            for c in cues:
                k = bisect_right(sent_starts, c.start) - 1
                if k >= 0:
                    by_sent.setdefault(k, []).append(c)
            doc_ctx = _Ctx(ext(doc, "isnad_norm").text, words, speech, self.lex, self.np, cues)
            doc_ctx.sents, doc_ctx.cue_sents = sents, set(by_sent)
            doc_ctx.paragraphs = ext(doc, "isnad_paragraphs")
            for k in sorted(by_sent):
                sc = by_sent[k]
                for g in range(0, len(sc), MAX_CUES_PER_PASS):
                    budget.check()  # the document's time budget (stages/budget.py)
                    quotes.extend(doc_ctx.sentence(k, sents[k], sc[g:g + MAX_CUES_PER_PASS]))
        quotes = _inside_direct(quotes)
        subheads = subhead_quotes(ext(doc, "isnad_norm").text, words, ext(doc, "isnad_paragraphs"), self.lex, self.np, speech)
        if subheads:
            sent_starts = [s for s, _ in sents]
            # a subhead overlaps a quote when a quote starting before its end ends after
            # its start (subheads, one per paragraph, never overlap each other)
            by_start = sorted(quotes, key=lambda p: p.start)
            q_starts = [p.start for p in by_start]
            max_end = list(accumulate((p.end for p in by_start), max))
            for q in subheads:
                k = bisect_left(q_starts, q.end)
                if not (k and max_end[k - 1] > q.start):
                    q.sentence = max(0, bisect_right(sent_starts, q.start) - 1)
                    quotes.append(q)
        doc._.isnad_quotes = quotes
        doc.user_data["isnad_speech_marks"] = speech
        return doc


# words after which a name belongs to an occasion, not to the speaker's title


def _inside_direct(quotes: list[Quote]) -> list[Quote]:
    """A cue inside somebody's direct quotation (which may span sentences) is the
    speaker's own words: a nested quote when it names its speaker, otherwise dropped
    («… وبحسب المعلومات فإن المعتقلين نقلوا …»)."""
    direct = [q for q in quotes if q.kind == "direct"]
    if not direct:
        return quotes
    holders = _holders(direct, quotes)
    out = []
    for q in quotes:
        holder = holders.get(id(q))
        if holder is None or q.parent is not None:
            out.append(q)
        elif q.speaker_start is not None and q.cue.kind == "verb":
            q.parent = holder
            q.method += ":nested"
            out.append(q)
    return out


def _holders(direct: list[Quote], quotes: list[Quote]) -> dict[int, Quote]:
    """For each quote, the first direct quote (in ``direct``'s order) other than itself
    whose span holds its cue: ``next(p for p in direct if p is not q and p.start <=
    q.cue.start < p.end)`` for every q at once, by a sweep over the cue offsets (a heap
    of the spans open at each offset, by list position), not one scan per quote."""
    spans = sorted(range(len(direct)), key=lambda i: direct[i].start)
    heap: list[int] = []  # positions in ``direct`` of spans started so far
    out: dict[int, Quote] = {}
    nxt = 0
    for q in sorted(quotes, key=lambda q: q.cue.start):
        x = q.cue.start
        while nxt < len(spans) and direct[spans[nxt]].start <= x:
            heapq.heappush(heap, spans[nxt])
            nxt += 1
        held = []
        while heap:
            p = direct[heap[0]]
            if p.end <= x:
                heapq.heappop(heap)  # ended: the cues come in order, it holds no later one
            elif p is q:
                held.append(heapq.heappop(heap))
            else:
                out[id(q)] = p
                break
        for i in held:
            heapq.heappush(heap, i)
    return out


class _Ctx(Bounds, OtherForms, Frame, Indexed):
    """Per-document state for the rules (the cue-first forms; see content_forms for the rest)."""

    def __init__(self, text: str, words: Words, speech: list[Mark], lex: Lexicon, np: "NounPhrases",
                 cues: list[Cue]):
        self.text, self.words, self.speech, self.lex, self.np = text, words, speech, lex, np
        self.mark_at = {m.open_at: m for m in speech}
        # word offsets where a non-"according" cue starts: the frame of one cue ends there
        self.cue_starts = {c.start for c in cues if c.kind != "according"}
        self.cue_starts_sorted = sorted(self.cue_starts)
        self.speech_opens = {m.open_at for m in speech}
        self.sents: list[tuple[int, int]] = []
        self.cue_sents: set[int] = set()
        self.paragraphs: list[tuple[int, int]] = []

    # ----------------------------------------------------------------- sentence
    def sentence(self, k: int, sent: tuple[int, int], cues: list[Cue]) -> list[Quote]:
        s, e = sent
        out: list[Quote] = []
        for idx, cue in enumerate(cues):
            nxt = min(self._next_cut(cues, idx, e), self._framing_cut(cue.end, e))
            q = self.parse(k, s, e, nxt, cue)
            if q is None or q.kind != "direct" and self._formula(q):
                continue
            pre = self._mark_before(cue, s) if q.kind == "direct" and cue.lemma in self.lex.postposed else None
            if pre is not None and not any(pre.open_at < p.end and p.start <= pre.end for p in out):
                # “…”، قال الرئيس، “…”: the quote before the cue has the same speaker
                first = Quote(*_trim(self.text, pre.start, pre.end, strip_stop=True), "direct", cue, k)
                pre.used = True
                first.speaker_start, first.speaker_end = q.speaker_start, q.speaker_end
                first.method, first.confidence = "verb:postposed:direct", 0.8
                first.frame_start, first.frame_end = cue.start, q.frame_end
                out.append(first)
            clash = [p for p in out if q.start < p.end and p.start < q.end and p.parent is None]
            # (a quotation that opens with a cue is the speaker's own words: وتابع بارز «تشير
            # معلوماتنا إلى …» nests تشير, it is no relay wrapper)
            wrap = [p for p in clash if p.start <= q.cue.start <= p.start + 12 and p.speaker_start is not None
                    and p.kind != "direct" and self._names_outlet(p)]
            if wrap and cue.kind != "according":
                # وافادت 'سانا' انه جاء في بيان …: the earlier quote only relays this one
                q.relay_spans.insert(0, (wrap[0].speaker_start, wrap[0].speaker_end))
                q.wrapped = True
                out = [p for p in out if p is not wrap[0]]
                clash = [p for p in clash if p is not wrap[0]]
            nest = [p for p in clash if p.start <= q.start and q.end <= p.end + 1 and p.start < q.cue.start < p.end]
            if clash and len(nest) == len(clash) and cue.kind == "verb" and q.speaker_start is not None \
                    and q.speaker_start >= nest[0].start:
                # وأشار البيان إلى أن [الدول الضامنة تشدد على ضرورة …]: speech reported
                # inside another quote's content is a nested quote of its own speaker
                q.parent = nest[0]
                q.method += ":nested"
                q.confidence = round(q.confidence * 0.8, 3)
                out.append(q)
                continue
            if clash:
                if cue.kind != "according":
                    # an earlier "according to" quote yields to a verb cue
                    out = [p for p in out if p not in clash or p.cue.kind != "according"]
                    if any(q.start < p.end and p.start < q.end for p in out):
                        continue
                elif self._names_outlet(q):
                    # …، وفقا لما ذكرته “المدينة”: the outlet relays the verb's quote
                    for p in clash:
                        p.relay_spans.append((q.speaker_start, q.speaker_end))
                    continue
                elif all(p.method.endswith(":object") or p.method.endswith("object+implicit") for p in clash):
                    # استبعد … بحسب ما ذكر وكيل اعماله: the according phrase names the source
                    out = [p for p in out if p not in clash]
                else:
                    continue
            out.append(q)
        return out

    def _names_outlet(self, q: Quote) -> bool:
        if q.speaker_start is None:
            return False
        words = self.words
        i = words.first_at_or_after(q.speaker_start)
        while i < len(words) and words.starts[i] < q.speaker_end:
            hit = self.lex.match_agency(words.forms, i)
            # an outlet that is also a word or place (المركز الإحصائي لدول الخليج) counts in marks
            if (hit and (not hit[0].ambiguous or any(ch in words.gap(i - 1, i) for ch in "«»“”\"'"))) \
                    or words.forms[i] in self.lex.media_heads:
                return True
            i += 1
        return False

    def _prev_word(self, offset: int) -> str:
        i = self.words.last_before(offset)
        return self.words.forms[i] if i >= 0 else ""

    # --------------------------------------------------------------------- cue
    def parse(self, k: int, s: int, e: int, cut: int, cue: Cue) -> Quote | None:
        if cue.kind == "according":
            return self._according(k, s, e, cut, cue)
        words, lex, text = self.words, self.lex, self.text
        n = len(words)
        j0 = words.first_at_or_after(cue.word_end)
        cue_word = text[cue.start:cue.word_end]
        # in a relative clause (الشركات التي أعلنت عن نتائجها) only a complementiser makes a report
        relative = strip_conj(self._prev_word(cue.start)) in RELATIVES
        strict = self._is_strict(cue, cue_word) or relative
        conj = self._has_conj(cue_word)
        # the speaker: after the verb (VSO), before it (SVO: الوزير قال، أن خاشقجي طالب),
        # or implicit. Participles never take their subject after them (محذرا الحوثيين:
        # the noun is the addressee).
        right = None
        # (a short name in marks that the frame goes on after is the subject: وأشار “لورانت
        # سوريساو” في مقابلة … إلى أن …)
        # (after a feminine verb, a short mark the sentence runs on after is the subject's
        # name: أعلنت «زين السعودية» عن عرضها …)
        opens_mark = any((m := self.mark_at.get(p)) is not None and not self._name_in_frame(m, e)
                         and not self._subject_in_marks(cue, j0, m)
                         for p in range(cue.word_end, words.starts[j0] if j0 < n else e))
        # a verb marked plural (وأكدوا، قالا) has its subject in it: in VSO order the verb
        # stays singular, so the noun after a plural verb is its object (وهددوا الموقع بـ…)
        if cue.kind not in ("participle",) and not (cue.kind == "noun" and cue_word.startswith("ب")) \
                and not opens_mark and not (cue.kind == "verb" and cue.plural and not cue.imperfect):
            right = self.np.mention(words, j0, n, e, stops=self.speech_opens, prep=cue.prep)
        left = None
        if cue.kind != "participle" and (not conj or cue.kind == "noun"):
            left = self.np.left_mention(words, cue.start, s)
        if cue.kind == "document" and not conj:
            left = self._document_before(cue.start, s) or left
        sp = right
        scan_from = j0
        if right is not None and self._sourceish(right):
            scan_from = words.first_at_or_after(right[1])
        elif left is not None and right is not None and self._bare_subject(right):
            sp = right  # وحول … تحرير الموصل قال [النجيفي]، إن «…»: the words between verb and opener
            scan_from = words.first_at_or_after(right[1])
        elif left is not None:
            sp = left
            if right is not None:
                scan_from = words.first_at_or_after(right[1])
        elif right is not None:
            scan_from = words.first_at_or_after(right[1])
            if cue.lemma in lex.addressee and definite(words.forms[j0]):
                sp = None  # ودعت الراغبين إلى …: the addressee, not the speaker
        if strict and right is not None and not self._sourceish(right) and \
                self._mark_right_after(right[1], colon=True) is None:
            return None  # يتراوح ما بين 10 و12 …: "between", not "explained" (واعتبر فابيوس "…" is fine)
        if strict and cue.lemma in lex.strict_unless_named and not relative \
                and not (cue.imperfect and cue.lemma in lex.strict_imperfect) \
                and strip_conj(words.forms[words.first_at_or_after(cue.start)]) not in lex.strict \
                and sp is not None and self._sourceish(sp):
            # كشف خبراء أستراليون عن نتائج …، واعتبر وزير النقل استعادة القاعدة …، وعبر الرئيس
            # هادي عن سعادته: with a named source as subject these are reports, without one
            # they are "uncovered", "is considered", "via"
            strict = False
        if right is not None and words.forms[j0] in ("اي", "احد", "ايه") and \
                self._prev_word(cue.start) in ("لم", "ولم", "لن", "ولن", "لا", "ولا", "ما"):
            return None  # ولم تعلن أي جهة مسؤوليتها عن …: nobody said anything
        needs = lex.needs.get(cue.lemma)
        if needs and not any(words.forms[t] in needs for t in range(j0, min(n, j0 + 5))):
            return None  # وجه is a cue only with نداء / دعوة / رسالة
        # a negated cue with an object or a governed preposition reports that something was
        # not said; only a content clause (لم يستبعد أن …) or the lemmas in [negated] keep
        # (ولم يستبعد بيع مزيد من الأسهم) make a claim of it
        negated = self._prev_word(cue.start) in NEGATIONS and cue.lemma not in lex.negated_keep
        opener = self._find_opener(cue, scan_from, e, strict)
        if opener is None and scan_from != j0 and not strict:
            opener = self._find_opener(cue, j0, e, strict)
            if opener is not None and sp is right:
                # the opener lies inside what looked like the mention: cut it there
                jo = opener[1]
                sp = (right[0], words.ends[jo - 1]) if jo - 1 >= j0 and words.ends[jo - 1] <= right[1] else left
        if opener is None:
            post = self._postposed(k, s, e, cue)
            if post is not None:
                return post  # …، كما ذكر مدير المرصد: strict cues too, the source follows them
            if strict or negated:
                return None  # (كما لم توضح نسبة الأرباح، لم يؤكد الجيش مقتل …: nothing was said)
            if cue.lemma in lex.object_lemmas and cue.kind in ("verb", "participle"):
                return self._object(k, s, e, cut, cue, j0, left if sp is left else None, conj)
            return None
        kind, spk_end_word, c_start, mark = opener
        if negated and kind == "prep":
            return None  # ولم يعلن عن أي أرقام: a denial has a complementiser (لم ينف أنه …)
        if sp is right and right is not None and self._accusative(right):
            # أضافت كثيرا من الألق … أن: an indefinite accusative (كثيرا، جديدا) is the verb's
            # object, never its subject: the verb is not one of saying here ("added much")
            return None
        relayed_by = None
        if sp is right and right is not None and cue.lemma in lex.relay_lemmas:
            # نقلت صحيفة «الأهرام» عن مصادر دبلوماسية أن …: the outlet relays, the source
            # after عن is the speaker
            src = self._source_after_an(right, spk_end_word, e)
            if src is not None:
                relayed_by, sp = right, src
        if sp is right and right is not None and kind in ("comp", "mark", "colon", "prep") and cue.kind == "verb":
            sp = self._extend_to_name(right, spk_end_word)
        if mark is not None:
            q = Quote(mark.start, mark.end, "direct", cue, k)
            q.start, q.end = _trim(text, mark.start, mark.end, strip_stop=True)
            mark.used = True
            q.method = f"{cue.kind}:{kind}:direct"
            q.confidence = 0.9
        else:
            if c_start >= cut:
                return None
            c_end = cut
            if kind == "colon" and cut == e:
                c_end = self._colon_speech_end(k, e)
            cs, ce = _trim(text, c_start, c_end, strip_stop=True)
            if ce - cs < 2 or (kind == "colon" and self.tokens.count(cs, ce) < 2):
                return None  # فكتب: روسيا — one word after a colon is no claim
            q = Quote(cs, ce, "indirect", cue, k)
            q.method = f"{cue.kind}:{kind}"
            q.confidence = 0.8 if kind in ("comp", "prep", "colon") else 0.6
            if self.speech.within(cs, ce + 1):
                q.kind = "mixed"
        q.frame_start, q.frame_end = cue.start, max(cue.end, min(c_start, q.start))
        if relayed_by is not None:
            q.relay_spans.append(relayed_by)
        if sp is not None:
            q.speaker_start, q.speaker_end = sp
            if sp is left:
                q.method += ":svo"
                # ونقلت وكالة رويترز عن مسؤول سعودي قوله إن: the relay is named before the speaker
                q.frame_start = s if self._prev_word(sp[0]) in ("عن", "عنه", "عنها") else sp[0]
        return q
