"""The frame between a reporting cue and its content: where the speaker mention ends,
what opens the content (complementiser, governed preposition, colon, quotation mark),
and the checks on the phrases in between; a mixin of the content stage's per-document
context (:class:`stages.content._Ctx`), split out of ``stages/content.py``::

    وقال [وزير الخارجية السعودي عادل الجبير] [إن] …   (the mention, then the opener)
    وحول … قال [النجيفي]، [إن] «…»                  (a bare subject before the opener)
"""
from __future__ import annotations

from bisect import bisect_left

from .content_forms import ADVERBS, LEADING_SKIP
from .lexicon import governs_b, is_governed_prep
from .model import Cue, Mark, Quote
from .words import RELATIVES, definite, strip_conj

# quantities in the accusative, objects of a verb and never its subject (names such as
# أوباما، رواندا also end in ا: only these words)
QUANTITY_ACCUSATIVES = {"كثيرا", "قليلا", "شيئا", "مزيدا", "جديدا", "بعضا", "جزءا", "عددا", "كلاما", "حديثا"}

MAX_FRAME_WORDS = 30

# _known_name counts a name's occurrences in the whole text only in a text this long;
# in a longer one, in a window of this size around the mention.
KNOWN_NAME_SCAN = 40_000

# words that make a following أن concessive ("although"), not the cue's complementiser
CONCESSIVE = {"مع", "رغم", "برغم", "بالرغم", "علما"}
# words that open a new clause after a comma: a cue's frame stops there
NEW_CLAUSE_AFTER_COMMA = {"لكن", "ولكن", "لكنه", "لكنها", "ولكنه", "ولكنها", "بينما", "فيما"}
# words that go on with the narration after a short quotation (وقال «لن نتراجع» ثم غادر)
NARRATION_AFTER_QUOTE = {"ثم", "قبل", "بعد", "عندما", "حين", "حيث", "وهو", "وهي", "كما", "فيما", "بينما", "ليضيف"}

_EVENT_WORDS = {"خلال", "اثناء", "عقب", "بعد", "قبل", "مع", "حين", "عند", "لدي", "امام", "بحضور", "لقايه", "استقباله",
                "زيارته", "لقايها", "استقبالها", "زيارتها"}


class Frame:
    """Frame checks and the opener search (methods of the content context)."""

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
        if name_at is None:
            name_at = self.np.unlisted_name(words, j, j_end)
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
            if j >= limit and j < n and words.starts[j] < e:
                # 30 words read and no opener: the rest of the sentence is searched for a colon
                # or a mark, but not past the next cue, whose opener it is (ووصف الرحبي الوضع …
                # [40 words] …، وأضاف: "…": the colon is وأضاف's)
                gap_end = self._next_cue_start(prev_end, e)
            term_end = None
            # an opening speech mark in the gap: direct quote (قال: «…» / قال “…”)
            for pos in self.opener_positions(prev_end, gap_end, j - j0 <= 6 or cue.lemma == "قال"):
                ch = text[pos]
                m = self.mark_at.get(pos)
                if m is not None and not m.used and ((j > j0 or strict) and self._term_in_clause(m)
                                                     or self._subject_in_marks(cue, j0, m)):
                    # further from the cue than its speaker, or after a cue that is also a
                    # word (بين، تعتبر), a short mark the clause runs on after is a name in it
                    # (شبكة “سي.إن.إن.” ونشرت …): its words are not read as the frame's either
                    term_end = m.close_at + 1
                    break
                if m is not None and not m.used and (j - j0 <= 6 or cue.lemma == "قال") \
                        and not self._name_in_frame(m, e):
                    # (right after the cue or its speaker a mark opens the quotation even
                    # when the sentence goes on: وقال الرئيس «لن نتراجع» ثم غادر)
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
            if term_end is not None:
                j = max(j, words.first_at_or_after(term_end))
                prev_end = term_end
                continue
            if stop:
                break
            if words.starts[j] in self.cue_starts and words.starts[j] != cue.start and not self._after_relative(j):
                # the next cue starts: this one opened no content (a cue in a relative clause
                # is not next: وأوضحت المرأة، التي [تحدثت] إلى “لايف نيوز”، أنها …)
                break
            f = words.forms[j]
            if f in NEW_CLAUSE_AFTER_COMMA and any(ch in text[prev_end:words.starts[j]] for ch in "،,؛;"):
                # …، لكن السلطات رفضت ذلك خوفا من أن …: a new clause with its own subject; the
                # cue's frame does not run into it (its أن is not this cue's opener)
                break
            named = lex.match_agency(words.forms, j) if j + 1 < n and words.forms[j + 1] in comps else None
            if named is not None:
                # an outlet whose name holds a complementiser (لشبكة سي [إن] إن): its words
                # are the name, not the opener
                j += named[1]
                prev_end = words.ends[j - 1]
                continue
            if f in comps and j > 0 and words.forms[j - 1] in CONCESSIVE:
                prev_end = words.ends[j]  # … مع أن / رغم أن: "although", no content clause of the cue
                j += 1
                continue
            if f in comps and not (f == "ان" and j + 1 < n and words.forms[j + 1] == "شاء"):
                cs = words.ends[j]
                m = self._mark_right_after(cs)
                if m is not None and not self._term_in_clause(m):
                    # a mark right after the complementiser is the quote, whatever narration
                    # follows it (ان “23 مليار …” وهذا الرقم اقل …); a short one that the
                    # clause runs on after is a name or a term in it (أن «لينكد إن» يتيح …)
                    return ("comp", j, m.start, m)
                return ("comp", j, self._skip_space(cs), None)
            window = 7 if cue.lemma in lex.needs else 4
            if cue.prep and is_governed_prep(f, cue.prep) and (j - j0 <= window or words.forms[j0] in lex.boundaries):
                if j + 1 < n and words.forms[j + 1] in comps:
                    cs = words.ends[j + 1]
                    m = self._mark_right_after(cs)
                    if m is not None and not self._term_in_clause(m):
                        return ("comp", j, m.start, m)
                    return ("comp", j, self._skip_space(cs), None)
                if strict:
                    return None
                m = self._mark_right_after(words.ends[j])
                if m is not None and not self._term_in_clause(m):
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

    def _next_cue_start(self, a: int, e: int) -> int:
        """The start of the first cue at or after offset ``a`` that can open a content of its
        own (not one in a relative clause: التي تحدثت), or ``e``."""
        starts, words = self.cue_starts_sorted, self.words
        k0 = bisect_left(starts, a)
        for k in range(k0, min(len(starts), k0 + 8)):  # (bounded: a run of التي قال … stays linear)
            c = starts[k]
            if c >= e:
                break
            if not self._after_relative(words.first_at_or_after(c)):
                return c
        return e

    def _after_relative(self, j: int) -> bool:
        """Does word ``j`` follow a relative pronoun (التي تحدثت، والذي قال)? A cue there is
        in a relative clause: it opens no content that would end another cue's frame."""
        return j > 0 and strip_conj(self.words.forms[j - 1]) in RELATIVES

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

    def _subject_in_marks(self, cue: Cue, j0: int, m: Mark) -> bool:
        """Right after a feminine verb, a short mark the sentence runs on after is its
        subject's name (أعلنت «جبهة النصرة» انسحابها …، وأوضحت «الغذاء والدواء» في تقرير …),
        unless the words after it are the narration's (قالت «لا» ثم غادرت). After a
        masculine verb it is mostly the object, quoted (انتقد «التهرب من الخدمة العسكرية»)."""
        if not cue.feminine or cue.plural or m.close_at is None or j0 != self.words.first_at_or_after(cue.word_end):
            return False
        j = self.words.first_at_or_after(m.close_at + 1)
        return j < len(self.words) and self.words.forms[j] not in NARRATION_AFTER_QUOTE and self._term_in_clause(m)

    def _term_in_clause(self, m: Mark) -> bool:
        """A short marked span (four tokens at most) that the sentence runs on after, with
        a word right after its closing mark, is a name or a term inside a clause, not a
        quotation of its own (ANNOTATION.md: marks around names are not quotes): القتال
        الدائر بين «جبهة النصرة» و…، يؤكد براون أن «لينكد إن» يتيح …، لمراسل التلفزيون
        الأسترالي «إيه بي سي» في …. Speech ends at a stop, a comma, a colon or the
        speaker that follows it («نعم» قال الوزير، «…» بحسب المصدر)."""
        if m.close_at is None or self.tokens.count(m.start, m.end) > 4:
            return False
        words = self.words
        pos = self._skip_space(m.close_at + 1)
        j = words.first_at_or_after(pos)
        if j >= len(words) or words.starts[j] != pos or words.starts[j] in self.cue_starts:
            return False  # punctuation, another mark, the end, or a cue right after it
        f = words.forms[j]
        lex = self.lex
        return not (f in lex.according_words or strip_conj(f) in lex.according_words)

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
