"""Who the narration is about: subjects of clauses, as antecedents of implicit speakers.

An implicit speaker (وأضاف أن …، مشيرا إلى …، قائلا: …) is the nearest fitting named
source before it (ANNOTATION.md §2).  That source is often named by a verb that is no
reporting cue, so looking only at earlier quotes' speakers misses it::

    علق [رئيس الاتحاد السعودي لكرة اليد تركي الخليوي] على قرعة البطولة قائلاً: "…"
    غردت [وزيرة حقوق الإنسان في اليمن سابقاً حورية مشهور] قائلة: "…"
    وكانت [نقابة الصحفيين اليمنيين] قد أدانت … وقالت أنه …
    أما [الروائي الفلسطيني يحيى يخلف]، فيرى أن …

Arabic news narration is verb-first: a clause opens with a verb (often behind و/ف, or
after ثم، كما، وقد، حيث …) and its subject follows.  A word at a clause opening that
is no noun we know, followed by a mention headed by a source word (title, name,
organisation, group, anonymous or document head), is read as verb + subject.  The
verb's agreement gives the subject's gender (غردت، كانت: feminine).

Pure functions over :class:`stages.words.Words`; the speaker stage scans only a
bounded window before each implicit cue, so the cost stays linear.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import is_governed_prep
from .spanindex import SpanSet
from .speakers_np import KAANA
from .words import NAME_PARTICLES, Words, definite, strip_conj

# words after which a verb opens a clause: ثم أضاف، كما أكد، وقد أشاد، حيث قال، بعدما وصل
CLAUSE_OPENERS = {"ثم", "كما", "وقد", "قد", "فقد", "لقد", "حيث", "بعدما", "عندما", "حينما", "فيما", "بينما",
                  "وحين", "حين", "اذ", "واذ", "بعد", "وبعد", "لما", "ولما", "كذلك", "وكذلك", "ايضا", "بدوره",
                  "بدورها", "جهته", "جهتها", "جانبه", "جانبها", "ناحيته", "ناحيتها", "ناحيه",
                  # a relative ما before its verb: إلى ما كتبته صحيفة (كيهان) …
                  "ما", "مما", "بما", "لما", "فيما",
                  # a negation always stands before its verb: ولم تقدم [المرأة] شكوى …، لاعتقادها أن …
                  "لم", "ولم", "لن", "ولن"}
# قد / لقد always precede a verb (وقد عبر والد الشهيد عن …: عبر is the verb, not "via")
QAD = {"قد", "وقد", "فقد", "لقد", "ولقد"}
# a demonstrative object between verb and subject: أوضح ذلك المتحدث الرسمي …
DEMONSTRATIVES = {"ذلك", "هذا", "هذه", "ذاك", "تلك"}
# a topic: أما X ف… (the subject comes first, the verb after ف)
TOPIC = {"اما", "واما"}
# words that go on a person's name before a definite word (عبد الرحمن، ابو الغيط، بن الوليد)
NAME_PARTS = NAME_PARTICLES | {"ابا", "ال", "ذو"}
# clause-initial words that are not verbs even though they are indefinite
NOT_VERBS = {"هذا", "هذه", "ذلك", "تلك", "هناك", "هنا", "وهذا", "وهذه", "وذلك", "وهناك", "كل", "وكل", "بعض",
             "وبعض", "غير", "اكثر", "اقل", "نحو", "حوالي", "قرابه", "منها", "منه", "ومنها", "ومنه", "لكن",
             "ولكن", "لكنه", "لكنها", "ولكنه", "ولكنها", "كما", "ثم", "او", "ام", "اي", "ايه", "الا", "سوي",
             "مثل", "يذكر", "يشار", "يجدر", "الجدير", "وتجدر", "تجدر", "ويذكر", "ويشار",
             "شرق", "غرب", "شمال", "جنوب", "وسط", "جنوبي", "شمالي", "شرقي", "غربي"}
# punctuation in the gap before a word that opens a clause
_CLAUSE_PUNCT = re.compile("[\n.،,؛:!؟?]").search
SURE_NAME = 0.75  # a recognised name this sure ends a narration subject (what follows is the object)
MAX_WINDOW_CHARS = 1200  # how far back an implicit speaker's antecedent is looked for
MAX_SUBJECTS = 40  # and at most this many clause openings


@dataclass(slots=True)
class Subject:
    """A source named as the subject of a clause (normalised offsets)."""

    start: int
    end: int
    gender: str  # "f", "m" or "" (from the verb's agreement)
    plural: bool


def verb_gender(f: str) -> tuple[str, bool]:
    """Agreement of a verb-like word: (gender, plural). ``غردت`` -> f, ``قالوا`` ->
    plural, ``علق`` -> m; ``تقول`` / ``تناول`` -> unknown (feminine imperfect or a perfect
    of the تفاعل/تفعّل patterns).

    >>> verb_gender("وغردت"), verb_gender("علق"), verb_gender("اكدوا"), verb_gender("وتناول")
    (('f', False), ('m', False), ('', True), ('', False))
    """
    b = strip_conj(f)
    if b.endswith(("وا", "ون")):
        return "", True
    if b.endswith("ت"):
        return "f", False
    if b.startswith("ت") and len(b) > 3:
        return "", False  # تقول (she says) or تناول، تحدث (he dealt, he spoke): unknown
    return "m", False


class SubjectFinder:
    """Clause subjects inside a window of the text (see the module docstring)."""

    def __init__(self, np):
        self.np = np
        self.lex = np.lex

    def _verbish(self, f: str) -> bool:
        lex = self.lex
        if len(f) < 3 or definite(f) or f.isdigit() or f in NOT_VERBS:
            return False
        b = strip_conj(f)
        if b[:1] == "م" and b.endswith("ا") and len(b) >= 5:
            # an accusative participle (حال) has no subject of its own: in موجها [إدارة
            # المجمع] بإبراز …، مبديا استعداده the noun is its object, the speaker stays
            return False
        if strip_conj(f) in KAANA:
            return True  # وكانت نقابة الصحفيين قد أدانت: the subject of a compound tense
        if f in lex.boundaries or f in lex.complementisers or f in lex.pronouns or f in lex.titles:
            return False
        if self.np.is_source_word(f) or f in lex.places or strip_conj(f) in lex.places:
            return False
        return not f.startswith(("لل", "بال"))

    def in_window(self, words: Words, lo: int, hi: int, sent_end, skip=()) -> list[Subject]:
        """Subjects whose mention starts in ``[lo, hi)``; ``sent_end(offset)`` gives the
        end of the sentence around an offset (a mention never crosses it); ``skip`` holds
        spans (quoted content) where the narration is someone else's words."""
        text, forms = words.text, words.forms
        n = len(forms)
        # quoted spans as one merged set: a bisection per word (a scan of every quote and
        # mark per word of every window was quadratic in the number of quotes)
        if not isinstance(skip, SpanSet):
            skip = SpanSet(skip)
        i = words.first_at_or_after(lo)
        out: list[Subject] = []
        while i < n and words.starts[i] < hi:
            st = words.starts[i]
            if st in skip:
                i += 1
                continue
            gap = text[words.ends[i - 1]:st] if i else "\n"
            opening = i == 0 or (gap != " " and _CLAUSE_PUNCT(gap) is not None) or forms[i - 1] in CLAUSE_OPENERS
            f = forms[i]
            if not opening:
                i += 1
                continue
            if f in TOPIC:
                sp = self.np.mention(words, i + 1, n, min(hi, sent_end(st)))
                if sp is not None and self._sourceish(words, sp):
                    out.append(Subject(sp[0], sp[1], "", False))
                i += 1
                continue
            after_qad = i > 0 and forms[i - 1] in QAD
            if f in CLAUSE_OPENERS or not (after_qad and f not in self.lex.complementisers or self._verbish(f)):
                i += 1
                continue
            j = i + 1
            if j < n and forms[j] in DEMONSTRATIVES:
                j += 1  # أوضح ذلك المتحدث الرسمي للسجون …: the object comes first
            sp = self.np.mention(words, j, n, min(hi, sent_end(st)))
            if sp is not None:
                sp = self._to_unlisted_name(words, sp, hi) or self._trim(words, self._to_name(words, sp, hi))
            if sp is None or sp[1] > hi:
                i += 1
                continue
            cf = self.lex.cue_forms.get(f) or self.lex.cue_forms.get(strip_conj(f))
            # a cue knows its agreement (لفت is masculine, its ت a root letter)
            g, pl = (("f" if cf.feminine else "m"), cf.plural) if cf is not None else verb_gender(f)
            marked = any(ch in words.text[max(0, sp[0] - 2):sp[0]] for ch in "«“\"'")
            # a name in marks after a feminine verb is its subject, as companies are (وتخطط
            # «تسلا» …); after a masculine one, mostly its object (ترك «أولدترافورد»)
            # a verb of saying followed by subject and its own preposition names its subject,
            # known or not (وأعرب [العكيك] عن شكره …، مؤكدًا أنه …)
            governed = cf is not None and cf.prep and self._prep_follows(words, sp, cf.prep)
            if marked and g != "m" and not pl or governed or self._sourceish(words, sp):
                if pl:
                    i += 1  # وهددوا الموقع: a plural verb holds its subject, the noun is its object
                    continue
                out.append(Subject(sp[0], sp[1], g, pl))
                i = words.first_at_or_after(sp[1])
                if len(out) >= MAX_SUBJECTS:
                    break
                continue
            i += 1
        return out

    def _trim(self, words: Words, sp: tuple[int, int]) -> tuple[int, int]:
        """A subject ends before what the verb governs: فوجئ [المدرب] بقرار الإدارة،
        اختتم [الأمير] كلمته (a prepositional phrase or a possessed noun after a definite
        word is no part of the subject's name)."""
        i = words.first_at_or_after(sp[0])
        forms = words.forms
        last = words.last_before(sp[1])
        k = i + 1
        while k <= last:
            f, prev = forms[k], forms[k - 1]
            if self.np._object_starts(prev, f):
                # تلقى [خادم الحرمين] اتصالا هاتفيا …: an indefinite accusative opens the object
                return sp[0], words.ends[k - 1]
            pp = f[:1] == "ب" and len(f) > 3 and f not in ("باسم", "بن") \
                and not any(self._person_word(g) for g in forms[k + 1:last + 1])
            if definite(prev) and f not in ("باسم", "بن", "ابن", "بنت") and (pp or not self.np.is_source_word(f) and (
                    words.orig_ends_with(k, "ه") or f.endswith(("ها", "هم", "هما")))):
                # (لـ stays: رئيس الاتحاد السعودي لكرة اليد تركي الخليوي is one title and name)
                return sp[0], words.ends[k - 1]
            k += 1
        # the subject is a title and a name: what follows a recognised name is the verb's
        # object (وعد رئيس النادي مساعد الزويهري [أنصار ناديه] …، تداول نشطاء … [صور] …)
        names = words.names
        ent = names.first_in(i, last + 1, min_prob=SURE_NAME) if names is not None else None
        if ent is not None and ent.end_word <= last and (not definite(forms[ent.end_word]) or self._object_after_name(
                forms[ent.end_word])):
            return sp[0], words.ends[ent.end_word - 1]
        # a less sure name of two words or more followed by a construct (an indefinite noun,
        # then a definite one) ends there too: a full name goes on with a name, not with the
        # noun of a construct (حدد الشاب خالد الغامدي [دور المزمار]); عبد/أبو + ال… are names
        # (خالد عبد الرحمن); one word may be a name cut short (ماريو [جوتزه] الفائز)
        ent = names.first_in(i, last + 1) if names is not None and ent is None else None
        if ent is not None and ent.end_word - ent.start_word >= 2 and ent.end_word + 1 <= last:
            f, g = forms[ent.end_word], forms[ent.end_word + 1]
            if not definite(f) and definite(g) and f not in NAME_PARTS and f not in self.lex.first_names \
                    and not self._person_word(f):
                return sp[0], words.ends[ent.end_word - 1]
        return sp

    def _to_unlisted_name(self, words: Words, sp: tuple[int, int], hi: int) -> tuple[int, int] | None:
        """A name no lexicon lists, running on to the cue after the title's place, which
        the mention may hold already (غردت وزيرة حقوق الإنسان في اليمن سابقاً [حورية مشهور]
        قائلة): the whole mention, or None. Not trimmed after: سابقاً is no object here."""
        j = words.first_at_or_after(sp[1])
        k = words.first_at_or_after(hi)  # the cue
        if j > k or any(ch in "،,:؛.()«»“”\"" for ch in words.text[sp[0]:hi]):
            return None
        j0 = words.first_at_or_after(sp[0])
        p = next((t for t in range(min(j, k - 1), max(j0, j - 4) - 1, -1) if words.forms[t] == "في"), None)
        if p is None or k - p > 10 or self.np.unlisted_name(words, p, k) is None:
            return None
        return sp[0], words.ends[k - 1]

    def _to_name(self, words: Words, sp: tuple[int, int], hi: int) -> tuple[int, int]:
        """A title cut at في/بـ + place goes on to the person's name that the recogniser
        finds a few words on (غردت [وزيرة حقوق الإنسان] في اليمن سابقاً [حورية مشهور] قائلة)."""
        j = words.first_at_or_after(sp[1])
        n = len(words)
        if j >= n or words.starts[j] >= hi:
            return sp
        if any(ch in "،,:؛.()«»“”\"" for ch in words.text[sp[1]:words.starts[j]]):
            return sp
        if words.forms[j] != "في" or words.names is None:
            return sp
        ent = words.names.first_in(j + 1, min(n, j + 5), min_prob=SURE_NAME)
        if ent is None or words.ends[ent.end_word - 1] > hi or \
                any(ch in "،,:؛.()«»“”\"" for ch in words.text[words.ends[j]:words.starts[ent.start_word]]):
            return sp
        return sp[0], words.ends[ent.end_word - 1]

    def _prep_follows(self, words: Words, sp: tuple[int, int], prep: str) -> bool:
        j = words.first_at_or_after(sp[1])
        if j >= len(words) or words.last_before(sp[1]) - words.first_at_or_after(sp[0]) > 2:
            return False
        return is_governed_prep(words.forms[j], prep, any_b=True)

    def _object_after_name(self, f: str) -> bool:
        """A definite word after a sure name that is no title, source word or family nisba
        is the verb's object (استنكر عمر بن صالح العمري [العمل] الإجرامي)."""
        return not (f.endswith("ي") or f.startswith("ال" + "ا" + "ل") or self.np.is_source_word(f)
                    or self._person_word(f) or f in self.lex.places)

    def _person_word(self, f: str) -> bool:
        """A title or a first name: a person's name may still follow."""
        lex = self.lex
        return f in lex.titles or strip_conj(f) in lex.titles or f in lex.first_names

    def _sourceish(self, words: Words, sp: tuple[int, int]) -> bool:
        i = words.first_at_or_after(sp[0])
        f = words.forms[i]
        lex = self.lex
        if f in lex.pronouns or f in lex.places or strip_conj(f) in lex.places:
            return False  # a pronoun resolves elsewhere; a place here is where, not who
        if f[:1] in "بلك" and not definite(f[1:]) and len(f) > 3 and not self.np.is_source_word(f[1:]) \
                or f.startswith(("بال", "لل", "كال")):
            return False  # وعلاقتها [بسوق العمل]: a subject never stands behind a preposition
        if self.np.is_source_word(f) or lex.match_agency(words.forms, i) is not None:
            return True
        # a recognised person (the noun after a narration verb is often its object, and
        # names of places and buildings the recogniser calls ORG): at the start or behind
        # a few words of title (هاجم [المهاجم الدولي الهولندي روبن فان بيرسي] مواطنه …);
        # a name in marks after a verb is its object (ترك «أولدترافورد»)
        if any(ch in words.text[max(0, sp[0] - 2):sp[0]] for ch in "«“\"'"):
            return False
        names = words.names
        last = words.last_before(sp[1])
        ent = names.first_in(i, min(i + 5, last + 1)) if names is not None else None
        return ent is not None
