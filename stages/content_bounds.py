"""Where content ends: the next cue that opens a quote, the reporter's framing
(…، فيما لم يصدر …), colon speech over its paragraph, and a quotation just before
a post-posed cue. A mixin of the content stage's context (stages.content._Ctx)."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cached_property

from .content_forms import LEADING_SKIP
from .model import Cue, Mark
from .words import definite

_COMMA = re.compile("[،,؛]")
# a particle before a verb cue that starts a new statement of its own: …، كما أكد أن،
# …، لكنه أكد أيضا أن، … حيث قالت إن (the content of the cue before ends there)
NEW_CLAUSE = ("كما", "ثم", "فيما", "بينما", "لكنه", "لكنها", "ولكنه", "ولكنها", "لكن", "ولكن", "لكنهم", "حيث")
NEGATIONS = ("لم", "ولم", "لن", "ولن")
QUANTIFIERS = {"كل", "جميع", "بعض", "عدد", "كافه", "مختلف", "عشرات", "مئات", "الاف"}
TURN_TAKING = ("جهته", "جهتها", "جانبه", "جانبها", "ناحيته", "ناحيتها", "بدوره", "بدورها")


class Bounds:
    def _framing_cut(self, start: int, e: int) -> int:
        """The first comma + framing phrase (config [content_end]) after ``start``:
        …، فيما لم يصدر أي تعليق …، جاء ذلك في …، مجددا الشكر …"""
        if not self.lex.content_end:
            return e
        # the first comma at or after start that a framing phrase follows; a comma whose
        # next word lies past e means every later one's does too
        commas, cuts, firsts = self._framing_commas
        k = bisect_left(commas, start)
        if k == len(commas) or commas[k] >= e or self.words.starts[firsts[k]] >= e:
            return e
        return max(cuts[k], start)

    @cached_property
    def _framing_commas(self) -> tuple[list[int], list[int], list[int]]:
        """Every comma of the text that a framing phrase follows, once per document (a
        scan of the rest of the sentence per cue was quadratic: كلمة، كلمة، …): its
        offset, the cut before it (spaces dropped) and its next word."""
        text, words = self.text, self.words
        n = len(words)
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in self.lex.content_end:
            by_first.setdefault(p[0], []).append(p)
        commas, cuts, firsts = [], [], []
        for m in _COMMA.finditer(text):
            i = words.first_at_or_after(m.end())
            if i >= n:
                break
            if any(tuple(words.forms[i:i + len(p)]) == p for p in by_first.get(words.forms[i], ())):
                cut = m.start()
                while cut > 0 and text[cut - 1] in " \t":
                    cut -= 1
                commas.append(m.start())
                cuts.append(cut)
                firsts.append(i)
        return commas, cuts, firsts

    def _next_cut(self, cues: list[Cue], idx: int, e: int) -> int:
        """Where content of cue ``idx`` must stop: before the next cue that opens a
        new top-level quote (participles, و+perfect verbs, negated verbs after a comma,
        according phrases after a comma). An imperfect verb inside the content
        (… الدول الضامنة تشدد على …) is nested speech and does not cut."""
        cur = cues[idx]
        for c in cues[idx + 1:]:
            # what c does depends on c alone (bar _continues_content, _before_content and
            # the floor of a clause before c): worked out once per cue, not once per earlier
            # cue of the sentence (قال قال قال …, الوزير يقول …)
            verdict = self._cut_memo.get(c.start)
            if verdict is None:
                verdict = self._cut_memo[c.start] = self._cut_before(c)
            strict_skip, cut, clause = verdict
            if strict_skip or self._continues_content(cur, c):
                continue
            if c.kind == "according" and cur.kind == "verb" and self._before_content(cur, c):
                continue  # وقال الوزير، حسبما نقلت عنه رويترز، إن …: a parenthesis before the content
            if clause is not None and clause[0] >= cur.word_end:
                cut = clause[1]  # the clause (a document's, a topic's) starts after cur
            if cut is not None:
                return cut
        return e

    def _before_content(self, cur: Cue, c: Cue) -> bool:
        """Does the according phrase ``c`` stand between the cue ``cur`` (and its subject) and
        a complementiser that follows the phrase's closing comma, no complementiser, colon or
        mark before it (وأكد الوزير، بحسب ما نقلت عنه وكالة الأنباء الفرنسية، أن …)?"""
        words, text = self.words, self.text
        lo = words.first_at_or_after(cur.word_end)
        k = words.first_at_or_after(c.start)
        if k - lo > 8 or any(ch in text[cur.word_end:c.start] for ch in ":«»“”\"\n"):
            return False
        if any(words.forms[t] in self.lex.complementisers for t in range(lo, k)):
            return False
        for t in range(k + 1, min(len(words), k + 10)):
            if "،" in words.gap(t - 1, t) or "," in words.gap(t - 1, t):
                return words.forms[t] in self.lex.complementisers
            if any(ch in words.gap(t - 1, t) for ch in ".:\n"):
                return False
        return False

    @cached_property
    def _cut_memo(self) -> dict[int, tuple[bool, int | None, tuple[int, int] | None]]:
        return {}

    def _cut_before(self, c: Cue) -> tuple[bool, int | None, tuple[int, int] | None]:
        """For a cue after the one whose content ends: (a strict cue that opens nothing,
        so it is passed over; where the content ends if c opens a new quote, else None;
        a clause that opens before c — a particle a few words before a document cue, a
        topic أما before a verb's subject — as its start and the cut before it: that cut
        comes first when the clause starts after the cue whose content ends, else None)."""
        text, words = self.text, self.words
        w = text[c.start:c.word_end]
        if self._is_strict(c, w) and not self._opens_soon(c) and not self._named_strict(c):
            return True, None, None
        pw = self._prev_word(c.start)
        anchor = c.start
        if pw in NEW_CLAUSE or pw in NEGATIONS or pw in ("وذلك", "ذلك"):
            anchor = words.starts[words.last_before(c.start)]
        elif pw in TURN_TAKING:
            # …، من جهته قال الرئيس الكيني: …: another source takes the floor
            k = words.last_before(c.start)
            after_min = k > 0 and words.forms[k - 1] in ("من", "ومن")
            anchor = words.starts[k - 1] if after_min else words.starts[k]
            if after_min or pw.startswith("بدور"):
                pw = "كما"  # opens like كما
        before = text[max(0, anchor - 3):anchor]
        comma = "،" in before or "," in before or "؛" in before
        opens = (c.kind == "participle"
                 or (c.kind == "verb" and not c.imperfect and (self._has_conj(w) or comma))
                 or (c.kind == "verb" and pw in NEW_CLAUSE)
                 or (c.kind == "verb" and pw in NEGATIONS and (comma or pw[:1] == "و"))
                 or (c.kind == "verb" and c.imperfect and self._has_conj(w) and self._opens_soon(c))
                 # (not right after a complementiser: وجاء في البيان أنه واستنادا إلى المادة 78
                 # من الدستور، فقد تقرر …: the phrase opens the reported clause itself)
                 or (c.kind == "according" and (comma or w[:1] in LEADING_SKIP) and pw not in self.lex.complementisers)
                 or (c.kind == "noun" and w.startswith("ب"))
                 or c.kind == "document" and comma)
        if not opens and c.kind == "document":
            # … كلام الناس [حيث] أرسل عسيري بياناً صحفياً جاء فيه: …: the clause that
            # brings the document opens a new statement (a few words back, no cue between:
            # the caller checks that the particle lies after the cue whose content ends)
            k = words.last_before(c.start)
            for t in range(k, max(-1, k - 6), -1):
                if words.forms[t] in NEW_CLAUSE:
                    return False, None, (words.starts[t], self._cut_at(words.starts[t]))
        clause = None
        if not opens and c.kind == "verb":
            # … والمصادر تتحدث عن …: a new source named before its verb (SVO); a perfect
            # verb too when a topic opens the source (…، وأما [الرجال] انحازوا إلى أن …:
            # the topic counts when it lies after the cue whose content ends, see _next_cut)
            lm = self.np.left_mention(words, c.start, 0)
            if lm is not None:
                lbefore = text[max(0, lm[0] - 3):lm[0]]
                k = words.first_at_or_after(lm[0])
                if k > 0 and words.forms[k - 1] in ("اما", "واما"):
                    clause = (words.starts[k - 1], self._cut_at(words.starts[k - 1]))
                if c.imperfect and (lbefore[-1:] in LEADING_SKIP or "،" in lbefore or "," in lbefore):
                    opens, anchor = True, lm[0] - (1 if lbefore[-1:] in LEADING_SKIP else 0)
        return False, (self._cut_at(anchor) if opens else None), clause

    def _cut_at(self, anchor: int) -> int:
        """Content cut before ``anchor``, the spaces, commas and dashes before it left out."""
        text = self.text
        cut = anchor
        while cut > 0 and text[cut - 1] in " ،,\n\t-–":
            cut -= 1
        return cut

    def _continues_content(self, cur: Cue, c: Cue) -> bool:
        """وأوضح أن الحكومة نددت باعتقال الصحفيين، ودعت المنظمات …: a verb with no subject
        of its own that does not agree with the reporting cue continues the reported
        narration (its subject is the content's الحكومة), it is no new statement."""
        # participles agree loosely in news prose (وقالت مصادر …، مشيرا إلى أن): verbs only
        if cur.kind not in ("verb", "participle") or c.kind != "verb" or c.imperfect:
            return False
        if cur.plural or c.plural or cur.feminine == c.feminine:
            return False
        found = self._subject_after_conj(c)
        if found is None:
            return False
        sp, first = found
        if sp is None:
            return True
        # a named subject (أكد يونكر أن) starts a statement; an object (ودعت كل المنظمات) does not
        return not self._sourceish(sp) and (definite(first) or first in QUANTIFIERS)

    def _subject_after_conj(self, c: Cue):
        """For a cue written with و/ف: (the mention after it or None, its first word);
        None when the cue has no conjunction."""
        if not self._has_conj(self.text[c.start:c.word_end]):
            return None
        words = self.words
        sp = self.np.mention(words, words.first_at_or_after(c.word_end), len(words), len(self.text))
        return sp, (words.forms[words.first_at_or_after(sp[0])] if sp is not None else "")

    def _named_strict(self, c: Cue) -> bool:
        """A strict cue that reports when a source names its subject (وأبانت [الوزارة] في
        تعميم …، ضرورة …) starts a statement after a comma and و, as any verb does."""
        if c.lemma not in self.lex.strict_unless_named or c.kind != "verb" or c.imperfect:
            return False
        found = self._subject_after_conj(c)
        if found is None or found[0] is None:
            return False
        sp, f = found
        # (ووعدت [بإعلان] النتائج: a preposition opens the object, no subject is named)
        return not (f[:1] in "بل" and f not in self.np.heads) and self._sourceish(sp)

    def _opens_soon(self, c: Cue) -> bool:
        """A complementiser, colon or mark within three words after the cue."""
        words = self.words
        j = words.first_at_or_after(c.word_end)
        for t in range(j, min(len(words), j + 4)):
            if words.forms[t] in self.lex.complementisers:
                return True
            gap = self.text[words.ends[t - 1] if t else 0:words.starts[t]]
            if ":" in gap or any(ch in gap for ch in "«“\""):
                return True
        return False

    def _mark_before(self, cue: Cue, s: int) -> Mark | None:
        """An unused speech mark closing right before the cue (only a comma between)."""
        j = cue.start
        text = self.text
        while j > s and text[j - 1] in " ،,":
            j -= 1
        if j == cue.start or j <= s:
            return None
        m = self.speech.closing_at(j - 1)
        if m is None:
            return None
        # the mark must open its clause (sentence start, after a comma or a colon)
        lead = text[max(s, m.open_at - 3):m.open_at].strip()
        return m if m.open_at <= s + 1 or lead[-1:] in ("،", ",", ":", "") else None

    def _colon_speech_end(self, k: int, e: int) -> int:
        """وقال: … . … . — speech after a colon goes on over the following sentences of
        its paragraph while they hold no cue and no quotation of their own."""
        para_end = e
        kp = bisect_right(self._para_starts, e) - 1
        if kp >= 0 and e <= self.paragraphs[kp][1]:
            para_end = self.paragraphs[kp][1]
        end = e
        kk = k + 1
        # at most two more sentences, and only in a text that has real paragraphs (an
        # article written as one line would otherwise end up inside the speech)
        if len(self.paragraphs) < 3:
            return e
        while kk < len(self.sents) and kk <= k + 2 and self.sents[kk][0] < para_end and kk not in self.cue_sents:
            s2, e2 = self.sents[kk]
            if self.speech.opening(s2, e2):
                break
            end = e2
            kk += 1
        return end

    @cached_property
    def _para_starts(self) -> list[int]:
        return [ps for ps, _ in self.paragraphs]
