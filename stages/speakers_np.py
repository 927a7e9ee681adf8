"""Speaker mentions: the noun phrase a cue attributes, and what kind of source it is.

Pure functions over :class:`stages.words.Words`, used by the content stage (to find
where the mention ends) and by the speaker stage (to type and name it: the words of a
mention, its type and its name are read in :mod:`stages.speakers_np_words`).

A mention runs from the word after the cue and stops at a boundary: a preposition
or time word (في، خلال، لـ، أمس، الجمعة), a complementiser, or punctuation::

    وقال [وزير الخارجية السعودي عادل الجبير] إن …
    ولفت [البيان] إلى أن …
    بحسب ما ذكر [وكيل اعماله] لصحيفة بيلد …
"""
from __future__ import annotations

import re

from .lexicon import governs_b
from .speakers_np_words import GOVERNING, NAMED_MIN_PROB, PARTICLES, MentionWords
from .words import RELATIVES, Words, bare, definite, strip_conj

STOP_GAP = set("،,:؛;()[]«»“”\"'.!؟?")
# prepositions that belong to the head before them: عدد من، المشرف على، المتحدث باسم
GOVERNED = {"من": {"عدد", "بعض", "احد", "مجموعه", "عشرات", "مئات", "كثير", "جمع", "وفد",
                   # وقال كل من الطالبين عبد الله العياد وعبد الله معتوق: "both … and …"
                   "كل",
                   # مقربون من جماعة الحوثي، مصادر مقربة من الحكومة، أوساط قريبة من الرئاسة
                   "مقربون", "مقربين", "مقربه", "قريبه", "قريبون", "قريبين", "مقرب", "قريب",
                   # المادة 236 من نظام العمل، البند الثالث من الاتفاق
                   "ماده", "الماده", "بند", "البند", "الفقره", "فقره"},
            "علي": {"مشرف", "المشرف", "قايم", "القايم", "مشرفه", "القايمون", "القايمين", "قايمون", "المشرفون"},
            "عن": {"ممثل", "ممثلون", "مسوول", "نايب", "صادر", "الصادر"}}
_TALK = {"حديثه", "حديثها", "كلمته", "كلمتها", "كلمه", "كلمتين", "كلمات", "كلامه", "كلامها", "تصريحه", "تصريحها", "تصريحاته",
         "حواره", "حوارها", "لقاءه", "مداخلته", "خطابه", "خطابها", "بيانه", "بيانها"}
MAX_MENTION_WORDS = 22
# تم + a verbal noun is a passive ("… was done"): after a cue it opens the content, and what
# follows it is what was done, never who spoke
PASSIVE_OPENERS = frozenset(("تم", "تمت", "يتم", "سيتم", "وتم", "وتمت", "ويتم", "وسيتم"))
# a quantifier after a complete definite mention opens the object or the addressees (it
# never modifies a noun before it without a pronoun: الطلاب جميعهم; كافة does: الدول كافة)
_ADDRESSEE_QUANTIFIERS = frozenset(("عموم", "جميع", "كل"))  # not كافة: الدول كافة (all the states)
# nouns that take a pronoun inside a mention: الرئيس نفسه، المصادر ذاتها، الأطراف كلها
_NOT_OBJECT_HEADS = ("نفس", "ذات", "انفس", "كل", "جميع", "بعض", "احد", "معظم", "اغلب", "عين")
# verbal nouns of the derived verb forms (استفعال، افتعال، انفعال، تفعيل، إفعال), indefinite:
# استعادة، انضمام، اعتماد، تفعيل، إطلاق — they open an object, names rarely look like them
MASDAR = re.compile(r"^(است..ا.|ا.ت.ا.|ان..ا.|ت..ي.|ا..ا.)(ه|ات)?$")
# "is called" (يُدعى، يسمّى), spelled with ى: the name after it belongs to the mention
# (يدّعي "claims" is spelled with ي and stays a cue)
NAMED = {"يدعي", "تدعي", "يسمي", "تسمي"}
# the pronoun of a relative clause before its subject: بيانا كشفت فيه المصادر أن …
RESUMPTIVE = {"فيه", "فيها", "خلاله", "خلالها", "عبره", "عبرها"}
# كان and its sisters: وكانت نقابة الصحفيين قد أدانت (the subject stands between كان and قد)
KAANA = {"كان", "كانت", "كانوا", "يكون", "تكون", "ظل", "ظلت", "بات", "باتت"}


class NounPhrases(MentionWords):
    def mention(self, words: Words, j0: int, jmax: int, e: int, object_mode: bool = False,
                according: bool = False, stops: set[int] | frozenset = frozenset(),
                prep: str = "") -> tuple[int, int] | None:
        """Offsets of the speaker mention starting at word ``j0`` (None if there is none:
        the subject is implicit, as in ``وأضاف أن``)."""
        lex = self.lex
        n = len(words)
        forms = words.forms
        text = words.text
        if j0 >= min(n, jmax) or words.starts[j0] >= e:
            return None
        # a gap with punctuation right after the cue means no subject here (قال: …)
        if j0 > 0:
            gap = text[words.ends[j0 - 1]:words.starts[j0]]
            if any(ch in "،,:؛.(" for ch in gap):
                return None
        first = forms[j0]
        if first in ("لي", "لنا", "له", "لها", "لهم") and j0 + 1 < min(n, jmax) and words.starts[j0 + 1] < e:
            j0 += 1  # وقال لي المدير إن …: the person spoken to comes before the subject
            first = forms[j0]
        elif first in RESUMPTIVE and j0 + 1 < min(n, jmax) and words.starts[j0 + 1] < e:
            j0 += 1  # بيانا كشفت [فيه] المصادر أن …: the relative's pronoun, then the subject
            first = forms[j0]
        else:
            told = self._told_to_first(words, j0, min(n, jmax), e)
            if told is not None:
                j0, first = told, forms[told]  # وقالت لـ"الشرق الأوسط" مصادر مطلعة إن …
        if first in PASSIVE_OPENERS:
            return None  # وأضاف [تمت] مناقشة آلية الحوافز …: a passive opens the content, no subject
        cf0 = lex.cue_forms.get(first)
        # (an unknown م…ا word before a definite noun is a dual head: وأكد مندوبا المملكة …)
        # (never a name: وقال مارادونا: … — a participle has no ا after its م)
        if ((first.startswith("م") and first.endswith("ا") and len(first) >= 5 and not first.startswith("ما")
             and not (j0 + 1 < n and definite(forms[j0 + 1])) and not self.named(words, j0, ("PERS",)))
                or (cf0 is not None and cf0.kind == "participle")) \
                and not self.is_source_word(first) and j0 + 1 < min(n, jmax):
            j0 += 1  # ويقول معلقا: «…» / وأضاف قائلا: an adverbial participle, not the subject
            first = forms[j0]
            if any(ch in text[words.ends[j0 - 1]:words.starts[j0]] for ch in "،,:؛.(«“\""):
                return None
        # a boundary or complementiser that begins a recognised name is the name: وكشف [فان
        # بيرسي] بأن …، وقال [الخميس] … (a surname that is a weekday)
        person = (first in lex.boundaries or first in lex.complementisers) and self.named(words, j0, ("PERS",))
        if (first in lex.boundaries and not self._name_ali(words, j0) or first in lex.complementisers) and not person:
            return None
        if governs_b(prep) and first.startswith("ب") and len(first) > 3 and not self.is_source_word(first):
            return None  # وتطالبه [بسدادها]: the governed بـ opens the content, no subject here
        if first in lex.pronouns:
            return words.starts[j0], words.ends[j0]
        if object_mode and not self.is_source_word(first) and not definite(first):
            return None  # ولم يستبعد بيع …: no subject, the object follows
        j = j0
        last = j0
        prev = None
        while j < min(n, jmax, j0 + MAX_MENTION_WORDS) and words.starts[j] < e:
            f = forms[j]
            if j > j0:
                gap = text[words.ends[j - 1]:words.starts[j]]
                g0 = words.ends[j - 1]
                if stops and any(g0 + o in stops for o in range(len(gap))):
                    break  # quoted speech opens: وقال سيف “يمكننا …”
                if any(ch in STOP_GAP for ch in gap):
                    # a name in marks inside the mention: موقع «القوات اللبنانية» الالكتروني;
                    # a one-letter abbreviation: د. احمد العرفج
                    # a dotted name with no space: جيه.إل.إل، العربية.نت
                    if not _name_mark_gap(gap, prev, self.lex) and not (gap.strip() == "." and len(prev) == 1) \
                            and gap != ".":
                        break
                    if according and gap[:1] in "»”\"" and not (
                            definite(f) or f.isdigit() or f in lex.first_names or f in lex.titles
                            or f.startswith(("ذات", "نفس"))):
                        # the source ends with its name in marks (the gap opens with the
                        # closing mark); an indefinite word after it opens the claim: وحسب
                        # موقع «بيزنس انسايدر» [يقدم] كيم براون …
                        break
                if f in lex.complementisers or f in lex.according_words or strip_conj(f) in lex.according_words:
                    break
                if f in self.needs_words:
                    break  # ووجه العامري [نداء] …: the noun that makes وجه a cue
                if governs_b(prep) and f.startswith("ب") and len(f) > 3 and f not in PARTICLES and not self.is_source_word(f):
                    break  # وأشاد الوزير [بجهود …]: the governed بـ opens the content
                if f[:1] == "ل" and len(f) > 3 and (f[1:] in lex.media_heads or lex.match_agency(
                        [f[1:]] + forms[j + 1:j + 3], 0) or (f.startswith("لل") and lex.match_agency(
                        ["ا" + f[1:]] + forms[j + 1:j + 3], 0))):
                    break  # وقال مسؤول [لرويترز]: the outlet he spoke to, not part of him
                if f in NAMED and words.orig_ends_with(j, "ى"):
                    last = j  # رجل يُدعى محمد / شاب يسمى …: the name follows in the mention
                    prev = f
                    j += 1
                    continue
                cf = lex.cue_forms.get(f) or lex.cue_forms.get(strip_conj(f))
                if cf is not None and f not in self.heads and f not in lex.first_names:
                    break  # وتابع الشيخ عبدالعزيز آل الشيخ [يقول]:
                # (a head two words back governs the preposition only when the cue does not:
                # وأعرب المسؤول الإماراتي [عن] أمله is أعرب عن, not المسؤول عن)
                if f in lex.boundaries and not self._name_ali(words, j) and not self._inside_name(words, j) \
                        and not (f in GOVERNED and (bare(prev) in GOVERNED[f] or (
                        j - 2 >= j0 and bare(forms[j - 2]) in GOVERNED[f] and f != prep))):
                    break
                if f.startswith("و") and len(f) > 3 and (f[1:] in lex.titles or "ال" + f[1:] in lex.titles) \
                        and any(w in lex.first_names for w in forms[j0:j]):
                    break  # الدكتور يوسف الرميح … [والبروفيسور] …: a second person starts
                if f.startswith("و") and len(f) > 2 and not self.is_source_word(f) and not lex.match_agency(forms, j):
                    rest = f[1:]
                    if not (definite(rest) or rest in lex.titles or rest in lex.first_names or self._coordinated(words, j)):
                        break
                if object_mode and prev is not None and self._object_starts(prev, f) and not self._coordinated(words, j):
                    break
                if prev is not None and self._possessed_object(words, j, prev):
                    break  # ودعت الوزيرة [أنصارها] إلى …، وأبدى الأهالي [تذمرهم] من …
                if f.startswith("ال") and f.endswith("ين") and len(f) > 6 and self._name_ends_at(words, j):
                    break  # ودعا … العقيد محمد العاصمي [المواطنين] والمقيمين إلى …: the addressees
            last = j
            prev = f
            j += 1
        end = words.ends[last]
        opened = text.count("«", words.starts[j0], end) - text.count("»", words.starts[j0], end)
        if opened > 0:
            close = text.find("»", end, end + 3)
            if close >= 0:
                end = close + 1  # السوق المالية «تداول»: keep the name mark whole
        return words.starts[j0], end

    def _told_to_first(self, words: Words, j0: int, jmax: int, e: int) -> int | None:
        """Index of the subject after an outlet the words were told to, when the outlet
        comes first: قالت لـ«الشرق الأوسط» مصادر …، قال لرويترز مسؤول … (None otherwise)."""
        forms, text, lex = words.forms, words.text, self.lex
        f = forms[j0]
        if not f.startswith("ل"):
            return None
        if f == "ل":  # لـ«الشرق الأوسط»: the preposition stands alone before the mark
            k, rest = j0 + 1, forms[j0 + 1:j0 + 5]
        else:  # لرويترز، للشرق الأوسط
            k, rest = j0, [f[1:]] + forms[j0 + 1:j0 + 4]
        hit = lex.match_agency(rest, 0) if rest else None
        if hit is None and k == j0 and f.startswith("لل"):
            hit = lex.match_agency(["ا" + f[1:]] + forms[j0 + 1:j0 + 4], 0)
        if hit is None:
            return None
        nxt = k + hit[1]
        if nxt >= jmax or words.starts[nxt] >= e:
            return None
        gap = text[words.ends[nxt - 1]:words.starts[nxt]]
        if any(ch in gap for ch in "،,:؛.("):
            return None
        return nxt if self.is_source_word(forms[nxt]) else None

    def left_mention(self, words: Words, cue_start: int, s: int) -> tuple[int, int] | None:
        """SVO: the mention right before the cue — ``الوزير قال``، ``أن خاشقجي طالب``،
        ``تداولت مواقع التواصل دراسة بريطانية توضح أن``، ``النساء المعارضون بقولهن``."""
        lex = self.lex
        text = words.text
        i = words.last_before(cue_start)
        if i < 0 or words.starts[i] < s:
            return None
        if any(ch in (gap := text[words.ends[i]:cue_start]) for ch in "،,:؛.()«»“”\""):
            return self._apposed_subject(words, i, s) if gap.strip() in ("،", ",") else None
        if words.forms[i] in ("بدوره", "بدورها", "بدورهم") and i > 0 and \
                not any(ch in text[words.ends[i - 1]:words.starts[i]] for ch in "،,:؛.()«»“”\""):
            i -= 1  # والوزارة [بدورها] أكدت أن …: "in its turn" stands between subject and verb
        if self._noun_cue_at(words, cue_start):
            # ونقل التلفزيون عن [المتحدث باسم الشرطة] قوله: everything between عن and the
            # verbal noun is the source (a few words, no punctuation, no cue between)
            for a in range(i, max(-1, i - 10), -1):
                if words.starts[a] < s or any(ch in text[words.ends[a]:words.starts[a + 1] if a < i else cue_start]
                                              for ch in "،,:؛.()«»“”\""):
                    break
                fa = words.forms[a]
                if fa in lex.cue_forms or strip_conj(fa) in lex.cue_forms:
                    break
                if fa == "عن" and a < i and (self.is_source_word(words.forms[a + 1]) or self.named(words, a + 1)):
                    return words.starts[a + 1], words.ends[i]
        if words.forms[i] in _TALK and i > 0 and not (words.forms[i] == "حديثه" and words.orig_ends_with(i, "ة")):
            i -= 1  # واختتم الحمد [حديثه] بقوله: …، ألقى [كلمة] أعرب فيها: the talk (not حديثة "new": دراسة حديثة تؤكد)
        elif i > 1:
            i = self._talk_before_place(words, i, cue_start)
        if words.forms[i] in ("قد", "لقد") and i > 0:
            # وكانت [نقابة الصحفيين اليمنيين] قد أدانت …: كان + subject + قد + verb
            k = i - 1
            while k >= 0 and i - k <= 10 and words.starts[k] >= s and strip_conj(words.forms[k]) not in KAANA:
                k -= 1
            if k < 0 or words.starts[k] < s or strip_conj(words.forms[k]) not in KAANA or k == i - 1:
                return None
            # the whole noun phrase between كان and قد is the subject, prepositions and all
            # (وكانت المديرية العامة للشؤون الصحية في منطقة مكة المكرمة قد أوضحت)
            if not any(ch in text[words.ends[k]:words.starts[i]] for ch in "،,:؛.()") and \
                    self.is_source_word(words.forms[k + 1]) or self.named(words, k + 1):
                return words.starts[k + 1], words.ends[i - 1]
            i -= 1
        if strip_conj(words.forms[i]) in RELATIVES and i > 0:
            # السفير أسامة نقلي الذي أكد أن: the speaker is the noun the relative refers to —
            # unless the verb's object pronoun refers to it (العاملين الذين [وصفهم] بأنهم …:
            # they are described, the describer is the narration's subject)
            kc = words.first_at_or_after(cue_start)
            fc = words.forms[kc] if kc < len(words) else ""
            if fc not in lex.cue_forms and strip_conj(fc) not in lex.cue_forms and fc.endswith(("ه", "ها", "هم", "هما")):
                return None
            rel_start = words.starts[i]
            i -= 1
            gap = text[words.ends[i]:rel_start]
            if any(ch in gap for ch in ":؛.()") or any(ch in gap for ch in "،,") and not self._source_np_before(words, i, s):
                # (after a comma only a noun phrase headed by a source: … الأستاذ بكر الشهري
                # مساعد مدير المنطقة الجنوبية ببنك البلاد، [الذي] قال: إن …)
                return None
        first = i
        head = None
        k = i
        while k >= 0 and words.starts[k] >= s and i - k < 8:
            f = words.forms[k]
            if f in lex.boundaries or f in lex.complementisers or f in lex.cue_forms or \
                    strip_conj(f) in lex.cue_forms or f in ("كما", "قد", "وقد") or strip_conj(f) in KAANA:
                break
            # (a head behind a preposition is a complement: … لرئيس مجلس الوزراء [بمملكة] البحرين أعرب)
            # (a definite form of a first name is mostly a nisba adjective: رئيس الوفد [التركي])
            if head is None and (self.is_source_word(f) or lex.match_agency(words.forms, k)) \
                    and not (definite(f) and bare(f) in lex.first_names and f not in self.heads) \
                    and not (f[:1] in "بل" and len(f) > 3 and not lex.match_agency(words.forms, k)):
                head = k  # the head nearest the cue: فنانه فراح [جمهور عبد المجيد] يقول
            first = k
            if f[:1] in "وف" and len(f) > 3 and self.is_source_word(f[1:]):
                break  # والمصادر تتحدث: the conjunction starts the subject's noun phrase
            if k > 0 and any(ch in text[words.ends[k - 1]:words.starts[k]] for ch in "،,:؛.()"):
                break
            k -= 1
        if head is not None:
            obj = self._document_object(words, first, i, cue_start)
            if obj is not None:
                return obj
            start = head
            # take the noun phrase from its head: دراسة بريطانية، الدول الضامنة — but not
            # back over a definite noun before an indefinite document (نشرت [الصحيفة] دراسة
            # حديثة تؤكد أن: the paper is the verb's subject, the study the speaker)
            while start > first and (self.is_source_word(words.forms[start - 1]) or words.forms[start - 1] in lex.first_names) \
                    and not (definite(words.forms[start - 1]) and self._indefinite_document(words, start, i)):
                start -= 1
            # a conjunction + verb inside starts a new clause: فنانه [فراح] جمهور … يقول
            for t in range(start + 1, i + 1):
                ft = words.forms[t]
                if ft[:1] in "وف" and len(ft) > 3 and not definite(ft[1:]) and not self.is_source_word(ft):
                    start = t + 1
            if start > i:
                return None
            f0 = words.forms[start]
            if f0[:1] in "بل" and f0 not in self.heads and self.is_source_word(f0[1:]) and \
                    lex.match_agency(words.forms, start) is None:
                # … النائب الأول لرئيس مجلس الوزراء [بمملكة البحرين] أعرب: a noun behind a
                # preposition completes the title before it, it is not the subject
                return None
            gov = strip_conj(words.forms[start - 1]) if start > 0 else ""
            if gov in GOVERNING and not (gov == "عن" and self._noun_cue_at(words, cue_start)):
                # وعن إقامة المباراة خارج [السعودية] قال عيد: a noun after a preposition is no
                # subject — except the source of a verbal noun (نقلت رويترز عن مسؤول قوله)
                return None
            off = words.starts[start]
            f0 = words.forms[start]
            if f0[:1] in "وف" and self.is_source_word(f0[1:]) and f0 not in self.heads:
                off += 1  # والمصادر تتحدث: the mention is المصادر, without the conjunction
            return off, words.ends[i]
        # a short bare name after أن/إن/كما: أن خاشقجي طالب
        prev = words.forms[first - 1] if first > 0 else ""
        # … ونقل موقع النادي عن [خيري] قوله "…": the source of a verbal-noun cue after عن
        # (and after كان: وكان [ليون] دعا …، وكان [برناردينو ليون] أكد أن …; not وكان هناك)
        kaana = strip_conj(prev) in KAANA and self._kaana_subject(words, first, i)
        if i - first <= 2 and (prev in lex.complementisers or prev == "كما" or kaana
                               or prev == "عن" and self._noun_cue_at(
                words, cue_start)) and words.starts[first] >= s \
                and not any(words.forms[t] in lex.boundaries for t in range(first, i + 1)):
            return words.starts[first], words.ends[i]  # (never a particle: كما [لم] توضح)
        # a recognised name right before the verb: بحاح يعرب عن …، الجمل أكد أن …
        names = words.names
        ent = names.covering(i) if names is not None else None
        if ent is not None and ent.end_word == i + 1 and ent.start_word >= first and ent.prob >= NAMED_MIN_PROB:
            f0 = words.forms[ent.start_word]
            if not ent.clitic and f0[:1] in "بل" and len(f0) > 4 and not definite(f0) and \
                    lex.match_agency(words.forms, ent.start_word) is None:
                return None  # … لرئيس مجلس الوزراء [بمملكة البحرين] أعرب: a complement, not the subject
            return words.starts[ent.start_word] + len(ent.clitic), words.ends[i]
        return None

    def _source_np_before(self, words: Words, i: int, s: int) -> bool:
        """Is there a source head among the few words ending at word ``i`` (within the
        clause that starts at ``s``)?"""
        k = i
        while k >= 0 and words.starts[k] >= s and i - k < 8:
            f = words.forms[k]
            if f in self.lex.boundaries or f in self.lex.cue_forms:
                return False
            if self.is_source_word(f) and not (f[:1] in "بل" and len(f) > 3):
                return True
            if k > 0 and any(ch in words.gap(k - 1, k) for ch in "،,:؛.()"):
                return False
            k -= 1
        return False

    def _noun_cue_at(self, words: Words, offset: int) -> bool:
        k = words.first_at_or_after(offset)
        return k < len(words) and (words.forms[k] in self.lex.noun_forms or strip_conj(words.forms[k]) in self.lex.noun_forms)

    def _possessed_object(self, words: Words, j: int, prev: str) -> bool:
        """Word ``j`` is a noun with a possessive pronoun (ها، هم، هن، هما) after a
        definite word: it cannot continue the mention — neither the next noun of a
        construct (the definite word ends one) nor an adjective (adjectives agree in
        definiteness and carry no pronoun) — so it starts the verb's object: ودعت الوزيرة
        [أنصارها] إلى …، وأعلنت الحكومة الإماراتية [عزمها] …، وأبدى لاعبو العميد [ارتياحهم];
        so does a quantifier (ودعت اللجنة [عموم] الطلبة). Not a preposition's noun (الناطق [باسمها]), nor نفس، ذات، كل، جميع، بعض (الرئيس
        [نفسه]), nor a name spelled with ة (ة folds to ه)."""
        f = words.forms[j]
        if not definite(prev) or definite(f):
            return False
        if f in _ADDRESSEE_QUANTIFIERS:
            return True  # ودعت اللجنة [عموم] الطلبة …، وحثت الوزارة [جميع] المواطنين على …
        if len(f) < 5 or f[:1] in "بلكوف":
            return False
        if not words.orig_form(j) or not words.orig_form(j).endswith(("ها", "هم", "هن", "هما")):
            return False
        if f.startswith(_NOT_OBJECT_HEADS) or f in self.lex.first_names or f in self.lex.titles:
            return False
        return not self._inside_name(words, j)

    def _object_starts(self, prev: str, f: str) -> bool:
        """After a definite word, an indefinite word that looks like a verbal noun or an
        accusative (أهمية، ضرورة، تفاؤلا) starts the object, not more of the name."""
        lex = self.lex
        if definite(f) or f in lex.titles or f in lex.first_names or f in PARTICLES or prev in PARTICLES:
            return False
        if f[:1] == "و" and self.is_source_word(f):
            return False  # مندوبا المملكة [وجمهورية] ناميبيا: a second source joins the subject
        if f[:1] in "لب" and len(f) > 3:
            return False  # construct via a preposition: لهيئة، بنادي، بوزارة
        if f in lex.object_nouns:
            return True  # أكد الجبير [حرص] الرياض …: a verbal noun opens the object
        if MASDAR.match(f) and prev not in lex.first_names and f not in lex.first_names:
            return True  # واعتبر وزير النقل بدر باسلمة [استعادة] القاعدة …: a verbal noun of a derived verb
        if not definite(prev) and prev not in lex.first_names:
            return False
        return len(f) >= 4 and f.endswith(("ا", "ه", "ات"))



def _name_mark_gap(gap: str, prev, lex) -> bool:
    """True when the punctuation in a gap is only a quotation mark around a name
    inside the mention (موقع «القوات اللبنانية»)."""
    stripped = gap.strip()
    return bool(stripped) and all(ch in "«»“”\"' " for ch in stripped) and prev is not None
