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
from collections import Counter
from itertools import accumulate

from spacy.language import Language
from spacy.tokens import Doc

from . import budget
from .lexicon import Lexicon, governs_b, load_lexicon
from .model import Cue, Mark, Quote, ext
from .names import DocNames
from .ner import NameTagger
from .content_bounds import Bounds
from .content_forms import ADVERBS, LEADING_SKIP, OtherForms, subhead_quotes, trim as _trim
from .spanindex import Indexed, SpeechMarks
from .speakers_np import NounPhrases
from .words import Words, definite, strip_conj

PUNCT_STOP = set("،,:؛;()[]")
# quantities in the accusative, objects of a verb and never its subject (names such as
# أوباما، رواندا also end in ا: only these words)
QUANTITY_ACCUSATIVES = {"كثيرا", "قليلا", "شيئا", "مزيدا", "جديدا", "بعضا", "جزءا", "عددا", "كلاما", "حديثا"}
NEGATIONS = {"لم", "ولم", "لن", "ولن", "لا", "ولا", "ما", "وما", "فلم", "فلا"}
MAX_FRAME_WORDS = 30
# A sentence's cues are resolved against each other (which one cuts the content of
# another, which quotes clash), a cost that grows with the square of their number. No
# prose sentence holds this many (28 at most in 31k SaudiNewsNet articles); a longer
# run of cues (قال قال قال …) is resolved in groups of this size.
MAX_CUES_PER_PASS = 64
# _known_name counts a name's occurrences in the whole text only in a text this long;
# in a longer one, in a window of this size around the mention.
KNOWN_NAME_SCAN = 40_000


@Language.factory(
    "isnad_content",
    requires=["doc._.isnad_cues", "doc._.isnad_marks", "doc._.isnad_sentences"],
    assigns=["doc._.isnad_quotes"],
    default_config={"config_path": None},
)
def make_content(nlp: Language, name: str, config_path: str | None) -> "ContentFinder":
    return ContentFinder(load_lexicon(config_path), config_path)


# words that make a following أن concessive ("although"), not the cue's complementiser
CONCESSIVE = {"مع", "رغم", "برغم", "بالرغم", "علما"}

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
_EVENT_WORDS = {"خلال", "اثناء", "عقب", "بعد", "قبل", "مع", "حين", "عند", "لدي", "امام", "بحضور", "لقايه", "استقباله",
                "زيارته", "لقايها", "استقبالها", "زيارتها"}


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


class _Ctx(Bounds, OtherForms, Indexed):
    """Per-document state for the rules (the cue-first forms; see content_forms for the rest)."""

    def __init__(self, text: str, words: Words, speech: list[Mark], lex: Lexicon, np: "NounPhrases",
                 cues: list[Cue]):
        self.text, self.words, self.speech, self.lex, self.np = text, words, speech, lex, np
        self.mark_at = {m.open_at: m for m in speech}
        # word offsets where a non-"according" cue starts: the frame of one cue ends there
        self.cue_starts = {c.start for c in cues if c.kind != "according"}
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
        relative = self._prev_word(cue.start) in ("التي", "الذي", "الذين")
        strict = self._is_strict(cue, cue_word) or relative
        conj = self._has_conj(cue_word)
        # the speaker: after the verb (VSO), before it (SVO: الوزير قال، أن خاشقجي طالب),
        # or implicit. Participles never take their subject after them (محذرا الحوثيين:
        # the noun is the addressee).
        right = None
        # (a short name in marks that the frame goes on after is the subject: وأشار “لورانت
        # سوريساو” في مقابلة … إلى أن …)
        opens_mark = any((m := self.mark_at.get(p)) is not None and not self._name_in_frame(m, e)
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

    def _document_before(self, cue_start: int, s: int) -> tuple[int, int] | None:
        """أرسل عسيري [بياناً صحفياً] جاء فيه: …: an indefinite document noun (in the
        accusative, its ا) and an adjective right before جاء فيه is what the words are in."""
        words, text = self.words, self.text
        i = words.last_before(cue_start)
        for head in (i, i - 1):
            if head < 0 or words.starts[head] < s:
                return None
            if any(ch in text[words.ends[head]:cue_start] for ch in "،,:؛.()«»“”\""):
                return None
            f = strip_conj(words.forms[head])
            if f in self.lex.documents or f.endswith("ا") and f[:-1] in self.lex.documents:
                return words.starts[head], words.ends[i]
        return None

    def _formula(self, q: Quote) -> bool:
        """Thanks, condolences and congratulations carry no checkable claim (ANNOTATION §1):
        وعبر والد الشهيد عن [شكره] لكل من واساهم، وأعرب عن [تعازيه] …"""
        j = self.words.first_at_or_after(q.start)
        return j < len(self.words) and self.words.starts[j] < q.end and self.words.forms[j] in self.lex.formula_nouns

    def _bare_subject(self, span: tuple[int, int]) -> bool:
        """One or two words between the verb and its opener (a complementiser after at most
        a comma, or a colon or mark) can only be the verb's subject, known name or not."""
        words, text = self.words, self.text
        i, last = words.first_at_or_after(span[0]), words.last_before(span[1])
        if last - i > 1 or last + 1 >= len(words):
            return False
        f = words.forms[i]
        if f[:1] in "لب" and f not in self.lex.first_names and not self.np.is_source_word(f[1:]) \
                or f[:1] in "يت" and not definite(f) and f not in self.lex.first_names and not self.np.named(words, i):
            return False  # قال [لأحدهم]: the one spoken to; التي أقرت [تشمل] «…»: a verb
        gap = text[span[1]:words.starts[last + 1]]
        if ":" in gap or any(ch in gap for ch in "«“\""):
            return True
        return gap.strip() in ("", "،", ",") and words.forms[last + 1] in self.lex.complementisers

    def _accusative(self, span: tuple[int, int]) -> bool:
        """A one-word mention in the indefinite accusative (كثيرا، شيئا): no subject."""
        words = self.words
        i = words.first_at_or_after(span[0])
        f = words.forms[i]
        return words.ends[i] >= span[1] and f in QUANTITY_ACCUSATIVES

    def _source_after_an(self, first: tuple[int, int], j_end: int, e: int) -> tuple[int, int] | None:
        """The mention after عن that follows a relaying subject, before the opener:
        نقلت وكالة رويترز [عن] مسؤول سعودي أن … (None when there is none)."""
        words = self.words
        j = words.first_at_or_after(first[1])
        if j >= j_end or words.forms[j] != "عن":
            return None
        if any(ch in words.gap(j - 1, j) for ch in "،,.:؛"):
            return None
        src = self.np.mention(words, j + 1, j_end, e)
        return src if src is not None and self._sourceish(src) else None

    def _known_name(self, sp: tuple[int, int]) -> bool:
        """A bare name (وفق عبدالرحمن) counts when the document names that person
        elsewhere with a cue or a title."""
        words = self.words
        i = words.first_at_or_after(sp[0])
        f = words.forms[i]
        if f in self.lex.first_names:
            return True
        if len(f) <= 3:
            return False
        if self.word_counts[f] > 1:
            return True  # two whole-word occurrences: no need to read the text
        text = self.text
        if len(text) <= KNOWN_NAME_SCAN:
            return text.count(f) > 1
        # a long (hostile) text: only a window around the mention is read, so that
        # thousands of such phrases do not each scan the whole document
        lo = max(0, sp[0] - KNOWN_NAME_SCAN // 2)
        return text.count(f, lo, lo + KNOWN_NAME_SCAN) > 1

    def _is_strict(self, cue: Cue, w: str) -> bool:
        lex = self.lex
        return strip_conj(w) in lex.strict or w in lex.strict or cue.lemma in lex.strict_lemmas

    def _has_conj(self, w: str) -> bool:
        """وقال has the conjunction و; وصف does not (و is its first root letter)."""
        forms = self.lex.cue_forms
        return w[:1] in LEADING_SKIP and w not in forms and strip_conj(w) in forms

    def _sourceish(self, span: tuple[int, int]) -> bool:
        """Does a mention start with a word that can be a source (title, organisation,
        document, first name, pronoun, agency)?"""
        words = self.words
        i = words.first_at_or_after(span[0])
        f = words.forms[i]
        return self.np.is_source_word(f) or f in self.lex.pronouns or (definite(f) and f.endswith("ون")) or \
            self.lex.match_agency(words.forms, i) is not None or self.text[span[0] - 2:span[0]].strip() in ("«", "“", '"') \
            or self.np.named(words, i) \
            or (definite(f) and f.endswith("ي") and i + 1 < len(words) and self.np.named(words, i + 1, ("PERS",)))
        # (the last: a nationality before a name, يرى [البرتغالي] جوزيه مورينيو … أن)

    def _extend_to_name(self, sp: tuple[int, int], j_end: int) -> tuple[int, int]:
        """المشرف على برنامج إحالتي بوزارة الصحة [سليمان بن أحمد الشريع] أن: a mention cut
        at a preposition goes on when a personal name or a title follows before the
        complementiser. The recogniser finds names the lexicon lacks (المتحدث باسم
        الوزارة في غزة [أشرف القدرة] إن، القيادي في صفوف المقاومة، [أحمد محسن الجمل]، إلى
        أن); a comma may then stand between title and name."""
        words, lex, text = self.words, self.lex, self.text
        j = words.first_at_or_after(sp[1])
        if j >= j_end or j_end - j > 10:
            return sp
        if any(words.forms[t] in _EVENT_WORDS or (words.forms[t][:1] == "و" and words.forms[t][1:] in lex.titles)
               for t in range(j, j_end)):
            # … الأمير محمد بن سلمان [خلال لقائه] الرئيس الروسي فلاديمير بوتين: an occasion;
            # … الرميح عضو مجلس الشورى [والبروفيسور] خالد العتيبي: a second person
            return sp
        for t in range(j, j_end):
            if words.starts[t] in self.cue_starts:
                return sp
        between = text[sp[1]:words.starts[j_end]]
        ent = words.names.first_in(j, j_end) if words.names is not None else None
        if ent is not None and ent.start_word > j - 1:
            # only commas and spaces around the name: القيادي في صفوف المقاومة، أحمد محسن الجمل، إلى
            if any(ch in ":؛()«»“”\"." for ch in between):
                return sp
            last = min(ent.end_word, j_end) - 1
            # the name runs on to the opener when nothing but words stands between (مؤسس موقع
            # ويكيليكس جوليان [أسانج] إننا): the recogniser may stop a word short
            if not any(ch in "،," for ch in text[words.ends[last]:words.starts[j_end]]):
                while last + 1 < j_end and words.forms[last + 1] not in lex.boundaries \
                        and words.forms[last + 1] not in ADVERBS:
                    last += 1
            return sp[0], words.ends[last]
        if any(ch in "،,:؛()«»“”\"" for ch in between):
            return sp
        name_at = None
        for t in range(j, j_end):
            f = words.forms[t]
            if f in lex.boundaries:
                continue  # علي is a name and, folded, the preposition على
            if f in lex.first_names or (f in lex.titles and definite(f) and f not in ("الرئيس", "المدير")):
                name_at = t
                break
        if name_at is None or name_at == j:
            return sp
        last = j_end - 1
        while last > name_at and (words.forms[last] in lex.boundaries or words.forms[last] in ADVERBS):
            last -= 1
        return sp[0], words.ends[last]

    def _find_opener(self, cue: Cue, j0: int, e: int, strict: bool = False):
        """Scan right of the speaker for what opens the content. Returns
        (kind, index of the word where the frame ends, content start, mark)."""
        words, lex, text = self.words, self.lex, self.text
        n = len(words)
        comps, preps = lex.complementisers, lex.comp_preps
        prev_end = cue.word_end if j0 == 0 or words.ends[j0 - 1] <= cue.word_end else words.ends[j0 - 1]
        j = j0
        limit = min(n, j0 + MAX_FRAME_WORDS)
        while j <= limit:
            stop = j >= limit or j >= n or words.starts[j] >= e
            gap_end = e if stop else words.starts[j]
            # an opening speech mark in the gap: direct quote (قال: «…» / قال “…”)
            for pos in self.opener_positions(prev_end, gap_end, j - j0 <= 6 or cue.lemma == "قال"):
                ch = text[pos]
                m = self.mark_at.get(pos)
                if m is not None and not m.used and (j - j0 <= 6 or cue.lemma == "قال") \
                        and not self._name_in_frame(m, e):
                    # far from the cue, a mark is part of an object (أكد الجبير حرص الرياض
                    # على تطوير علاقاتها «بشكل جيد»), not the quote itself
                    return ("mark", j, m.start, m)
                if ch == ":":
                    # وأضاف: … — content after the colon; a mark right after makes it direct
                    after = pos + 1
                    while after < len(text) and text[after] in " \t":
                        after += 1
                    m2 = self.mark_at.get(after)
                    if m2 is not None and not m2.used:
                        return ("colon", j, m2.start, m2)
                    # قال: إن الحوار مستمر — the complementiser after the colon is not content
                    ja = words.first_at_or_after(after)
                    if ja < n and words.starts[ja] == after and words.forms[ja] in comps and ja + 1 < n:
                        after = self._skip_space(words.ends[ja])
                    return ("colon", j, after, None)
            if stop:
                break
            if words.starts[j] in self.cue_starts and words.starts[j] != cue.start and \
                    not (j > 0 and words.forms[j - 1] in ("التي", "الذي", "الذين")):
                # the next cue starts: this one opened no content (a cue in a relative clause
                # is not next: وأوضحت المرأة، التي [تحدثت] إلى “لايف نيوز”، أنها …)
                break
            f = words.forms[j]
            if f in comps and j > 0 and words.forms[j - 1] in CONCESSIVE:
                prev_end = words.ends[j]  # … مع أن / رغم أن: "although", no content clause of the cue
                j += 1
                continue
            if f in comps and not (f == "ان" and j + 1 < n and words.forms[j + 1] == "شاء"):
                cs = words.ends[j]
                m = self._mark_right_after(cs)
                if m is not None:
                    # a mark right after the complementiser is the quote, whatever narration
                    # follows it (ان “23 مليار …” وهذا الرقم اقل …)
                    return ("comp", j, m.start, m)
                return ("comp", j, self._skip_space(cs), None)
            window = 7 if cue.lemma in lex.needs else 4
            if cue.prep and self._is_prep(f, cue.prep) and (j - j0 <= window or words.forms[j0] in lex.boundaries):
                if j + 1 < n and words.forms[j + 1] in comps:
                    cs = words.ends[j + 1]
                    m = self._mark_right_after(cs)
                    if m is not None:
                        return ("comp", j, m.start, m)
                    return ("comp", j, self._skip_space(cs), None)
                if strict:
                    return None
                m = self._mark_right_after(words.ends[j])
                if m is not None:
                    return ("prep", j, m.start, m)  # أعلن الحزب عن «استشهاده …»
                if governs_b(cue.prep) and f.startswith("ب") and not any(f == q for q in cue.prep.split("|")):
                    return ("prep", j, words.starts[j] + 1, None)
                return ("prep", j, self._skip_space(words.ends[j]), None)
            if f in preps and j + 1 < n and words.forms[j + 1] in comps and words.starts[j + 1] < e:
                cs = words.ends[j + 1]
                return ("comp", j, self._skip_space(cs), None)
            prev_end = words.ends[j]
            j += 1
        return None

    def _name_in_frame(self, m: Mark, e: int) -> bool:
        """وأوضح المشرف على الفعاليات «تلي ماتش» بدر الذربان أن …، وأكد بالمر في البيان
        الذي نشرته «ستار تريبيون» …: «…»: a short marked span after which the frame goes
        on to its opener (a complementiser, a colon or another mark) with no comma and no
        cue between is a name in marks, not the quotation."""
        # (words counted on the token index, not by a split of the span: nested marks
        # after cues, قال «كلمة قال «كلمة … »», made that quadratic)
        if m.close_at is None or self.tokens.count(m.start, m.end) > 4:
            return False
        words, text = self.words, self.text
        j = words.first_at_or_after(m.close_at + 1)
        prev_end = m.close_at + 1
        for t in range(j, min(len(words), j + 10)):
            if words.starts[t] >= e:
                return False
            gap = text[prev_end:words.starts[t]]
            if any(ch in gap for ch in "،,.؛;!؟?"):
                return False
            if ":" in gap or any(words.starts[t] - 1 - k in self.speech_opens for k in range(len(gap))):
                return t > j  # the frame went on over a word at least
            f = words.forms[t]
            if words.starts[t] in self.cue_starts:
                return False
            if f in self.lex.complementisers:
                return t > j
            prev_end = words.ends[t]
        return False

    def _is_prep(self, f: str, prep: str) -> bool:
        if "|" in prep:
            return any(self._is_prep(f, p) for p in prep.split("|"))
        if prep == "ب":
            return f.startswith("ب") and len(f) > 3 and (f.startswith("بال") or not f.startswith(("بلا", "بعد", "بين", "بدء", "بدا", "بها", "به")))
        return f == prep

    def _mark_right_after(self, pos: int, colon: bool = False) -> Mark | None:
        text = self.text
        while pos < len(text) and (text[pos] in " \t" or colon and text[pos] == ":"):
            pos += 1
        m = self.mark_at.get(pos)
        return m if m is not None and not m.used else None

    def _skip_space(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        return pos

    # ------------------------------------------------------------ post-posed
