"""Content rules for the forms that do not open content after the cue: post-posed
cues (…، قال الوزير)، bare objects (وأكد الرئيس أهمية …) and "according to" phrases
(بحسب ما ذكر X، وفق X، ووفقا لـX، فإن …). A mixin of the content stage's context
(stages.content._Ctx), split out to keep each file readable."""
from __future__ import annotations

import re

from .model import Cue, Quote
from .spanindex import alpha_tokens_after, alpha_tokens_before
from .words import strip_conj

LEADING_SKIP = ("و", "ف")
ADVERBS = {"بشده", "وبشده", "مجددا", "ايضا", "كذلك", "اليوم", "امس", "مؤخرا", "موخرا", "بدوره", "بدورها",
           "صباح", "مساء", "الليله", "اول", "من", "جهته", "جهتها", "جانبه", "جانبها", "ناحيته", "ناحيتها"}


def indirect_quote(cs: int, ce: int, cue: Cue, sentence: int, speech, method: str, confidence: float,
                   speaker: tuple[int, int] | None, frame: tuple[int, int]) -> Quote:
    """An indirect quote over ``cs:ce``; ``mixed`` when it holds a quoted fragment
    (وقال إن الوضع "خطير جدا")."""
    q = Quote(cs, ce, "indirect", cue, sentence)
    if speech.within(cs, ce + 1):
        q.kind = "mixed"
    q.method, q.confidence = method, confidence
    if speaker is not None:
        q.speaker_start, q.speaker_end = speaker
    q.frame_start, q.frame_end = frame
    return q


ORDINALS = {"اولا", "ثانيا", "ثالثا", "رابعا", "خامسا", "سادسا", "سابعا", "ثامنا", "تاسعا", "عاشرا", "اخيرا",
            "ملاحظه", "تنبيه", "المصدر", "الموضوع", "العنوان", "التاريخ", "المكان", "الزمان", "السوال", "الجواب",
            "س", "ج"}
LINK_PREFIX = re.compile(r"رابط الخبر بصحيفه [^:\n]{1,30}:\s*")
SUBHEAD = re.compile(r"^([^:\n.،,؟!«»“”\"]{2,60}?)\s*:\s*(\S[^\n]*)$")


def subhead_quotes(text: str, words, paragraphs, lex, np, speech) -> list[Quote]:
    """A subhead written ``X : claim`` is a quote of X (ANNOTATION.md): ``وزير الخدمة
    المدنية : الوطن فقد رمزاً …``، also in the closing link line of some outlets
    (``رابط الخبر بصحيفة الوئام: الخدمة المدنية: تأخر نتائج …``). X must name a source;
    a place is a dateline (``ليبيا: طائرات …``) unless the claim speaks as "we"."""
    out = []
    for k, (ps, pe) in enumerate(paragraphs):
        line_start = ps
        m0 = LINK_PREFIX.search(text, ps, pe)
        if m0 is not None:
            line_start = m0.end()
        elif pe - ps > 300:
            continue
        m = SUBHEAD.match(text[line_start:pe])
        if m is None:
            continue
        x = m.group(1).strip()
        forms = x.split()
        if not 1 <= len(forms) <= 5 or any(f in lex.cue_forms for f in forms):
            continue
        claim = m.group(2)
        if len(claim.split()) < 3:
            continue
        head = forms[0].strip("«»“”\"")
        if not head.isalpha() or head in ORDINALS or head in lex.boundaries or head in ("بسبب", "رغم", "عند") or (head[:1] in "وف" and not np.is_source_word(head)):
            continue  # 11:06 ت م (a time), سادسا: (a list item), والحقيقة: (prose)
        first_person = any(w.endswith("نا") and len(w) > 3 for w in claim.split())
        if head in lex.places and not first_person:
            continue
        in_link = m0 is not None  # a headline repeated in the link line: any non-place name
        if not (np.is_source_word(head) or head in lex.places or (len(forms) <= 2 and not head.startswith("ال"))
                or (in_link and len(forms) <= 4)):
            continue
        xs = line_start + m.start(1)
        xe = xs + len(m.group(1).rstrip())
        colon = text.index(":", xe)
        cs, ce = trim(text, line_start + m.start(2), pe, strip_stop=True)
        cue = Cue(colon, colon + 1, ":", "colon", word_end=colon + 1)
        out.append(indirect_quote(cs, ce, cue, -1, speech, "colon:subhead", 0.5, (xs, xe), (xs, cs)))
    return out


class OtherForms:
    def _postposed(self, k: int, s: int, e: int, cue: Cue) -> Quote | None:
        """…، قال الوزير. / …، كما أفاد متحدث باسم … / «…»، قال X."""
        text, words = self.text, self.words
        if cue.lemma not in self.lex.postposed or cue.kind != "verb":
            return None
        end = cue.start  # the clause before the cue, trailing spaces dropped
        while end > s and text[end - 1].isspace():
            end -= 1
        pw = self._prev_word(cue.start)
        comma = (end > s and text[end - 1] in "،,") or pw in ("كما", "حسبما")
        if not comma:
            return None
        # after the cue: a source and at most a few adjunct words to the sentence end
        j0 = words.first_at_or_after(cue.word_end)
        sp0 = self.np.mention(words, j0, len(words), e)
        if sp0 is None or not self._sourceish(sp0):
            return None
        if len(alpha_tokens_after(text, sp0[1], e, 7)) > 6:
            return None
        if pw in ("كما",):
            end = words.starts[words.last_before(cue.start)]
        # the clause before: a direct quote if it is a mark
        seg_end = end
        while seg_end > s and text[seg_end - 1] in " ،,":
            seg_end -= 1
        m = self.speech.closing_at(seg_end - 1)
        j0 = words.first_at_or_after(cue.word_end)
        sp = self.np.mention(words, j0, len(words), e)
        if m is not None:
            q = Quote(*trim(text, m.start, m.end, strip_stop=True), "direct", cue, k)
            m.used = True
            q.method = f"{cue.kind}:postposed:direct"
            q.confidence = 0.8
        else:
            cs, ce = trim(text, s, seg_end, strip_stop=True)
            cs = drop_conj(text, cs, ce)
            if self.tokens.count(cs, ce) < 3:
                return None
            return indirect_quote(cs, ce, cue, k, self.speech, f"{cue.kind}:postposed", 0.6, sp, (cue.start, e))
        if sp is not None:
            q.speaker_start, q.speaker_end = sp
        q.frame_start, q.frame_end = cue.start, e
        return q

    # --------------------------------------------------------------- object
    def _object(self, k: int, s: int, e: int, cut: int, cue: Cue, j0: int,
                left: tuple[int, int] | None = None, conj: bool = False) -> Quote | None:
        """وأكد الرئيس المصري أهمية …، وأكدت الدول الضامنة في البيان ضرورة …، شركة
        البترول أعلنت أخيرا ترسية … (SVO), ولم يستبعد بيع … (implicit)."""
        words, text = self.words, self.text
        n = len(words)
        if left is not None:
            sp = left
            j = j0
        else:
            sp = self.np.mention(words, j0, n, e, object_mode=True)
            j = j0 if sp is None else words.first_at_or_after(sp[1])
            f0 = words.forms[j0] if j0 < n else ""  # (the cue may be the text's last word: … على حد وصفها.)
            # (a family name is a definite nisba: ووصف [الرحبي] الوضع الإعلامي … بالكارثي)
            family = sp is not None and f0.startswith("ال") and f0.endswith("ي") and len(f0) >= 6 \
                and f0 not in self.lex.pronouns and f0 not in self.lex.places and not self._sourceish(sp)
            if sp is not None and not self._sourceish(sp) and f0.startswith("ال") and not family:
                return None  # عززت الدورة مفهوم …: the subject is no source, so no report
            if family and sp is not None:
                sp = (sp[0], words.ends[j0])  # the name alone; its object follows
                j = j0 + 1
            # (a verb with an object pronoun is finite: ولكنه وصفها بغير الكافية …)
            kc = words.first_at_or_after(cue.start)
            finite = cue.lemma in self.lex.pronoun_object and words.forms[kc].endswith(("ه", "ها", "هم")) and \
                not words.orig_ends_with(kc, "ة")
            if cue.kind == "participle" and sp is not None and f0 not in self.lex.titles \
                    and strip_conj(f0) not in self.lex.pronouns:
                # a participle has its subject after it only as a title or an honorific
                # (مؤكدا وزير الدفاع الأمريكي حرص …، مؤكداً سموه …): any other noun phrase
                # opens its object (داعيا الوسائل الإعلامية …، نافيا تقريرا أوردته صحيفة …)
                sp, j = None, j0
            if sp is None and not conj and not finite and cue.kind != "participle" and \
                    self._prev_word(cue.start) not in ("لم", "ولم", "كما", "لن", "ولن"):
                return None  # أرجو وصف علاج …: a verbal noun with no speaker, not a report
        # skip adjuncts between speaker and object: في البيان، خلال الحفل، أمس، (أوروجوياني)
        guard = 0
        while j < n and words.starts[j] < e and guard < 8:
            guard += 1
            gap = text[words.ends[j - 1] if j else 0:words.starts[j]]
            if "(" in gap:
                close = self.closing_parens.first(words.ends[j - 1] if j else 0, e)
                if close > 0:
                    j = words.first_at_or_after(close)
                    continue
            f = words.forms[j]
            if f in ("في", "خلال", "عبر", "امام", "لدي", "عقب", "اثناء") and j + 1 < n:
                # an adjunct closed by a comma ends there, whatever it holds (وأبانت الوزارة
                # [في تعميم وجهته لإدارات التعليم]، ضرورة …)
                comma = next((t for t in range(j + 1, min(n, j + 8)) if words.starts[t] < e
                              and any(ch in words.gap(t - 1, t) for ch in "،,")), None)
                if comma is not None and not any(words.starts[t] in self.cue_starts for t in range(j, comma)):
                    j = comma
                    continue
                j += 2
                while j < n and words.forms[j].startswith("ال") and words.starts[j] < e:
                    j += 1
                continue
            if f in ("فيه", "فيها", "خلاله", "خلالها"):
                j += 1  # وكشف البلوشي [فيها] تطور …: the resumptive pronoun of the report it was in
                continue
            if f in ADVERBS or f in self.lex.boundaries and f not in self.lex.complementisers:
                j += 1
                continue
            break
        if j >= n or words.starts[j] >= min(e, cut):
            return None
        cs, ce = trim(text, words.starts[j], cut, strip_stop=True)
        if self.tokens.count(cs, ce) < 2:
            return None
        return indirect_quote(cs, ce, cue, k, self.speech, f"{cue.kind}:object", 0.5, sp, (cue.start, cs))

    # ------------------------------------------------------------ according
    def _according(self, k: int, s: int, e: int, cut: int, cue: Cue) -> Quote | None:
        """بحسب ما ذكر X (after the claim), وفق X، … (inside), ووفقا لـX، فإن … (before)."""
        words, text, lex = self.words, self.text, self.lex
        n = len(words)
        j0 = words.first_at_or_after(cue.word_end)
        if j0 < n and words.forms[j0] == "ل":
            j0 += 1
        sp = self.np.mention(words, j0, n, e, according=True)
        if sp is None:
            return None
        bare_phrase = len(text[cue.start:cue.end].split()) == 1
        if bare_phrase and not self._sourceish(sp) and not self._known_name(sp):
            return None  # بحسب التربية والنشأة: "depending on", not a source
        # the words with letters before the phrase (the last two tell "at most one")
        lead_words = alpha_tokens_before(text, s, cue.start, 2)
        after_spk = words.first_at_or_after(sp[1])
        after_comp = words.forms[words.last_before(cue.start)] in lex.complementisers and \
            self._sourceish(sp)  # (يذكر أنه ووفقا للتوجيهات الكريمة: no source)
        if after_comp or len(lead_words) <= 1 and all(w.strip("،,") in ("و", "ف", "") or len(w) < 2 for w in lead_words):
            # (… إلا أنه بحسب عدد من المصادر فإن …: after a complementiser the phrase opens the clause)
            # phrase first: content after the speaker region (after a comma / فإن / أن)
            j = after_spk
            while j < n and words.starts[j] < e:
                gap = text[words.ends[j - 1]:words.starts[j]]
                if "،" in gap or "," in gap:
                    break
                f = words.forms[j]
                if f in lex.boundaries or f in ADVERBS:
                    j += 1
                    continue
                break
            if j < n and words.forms[j] in ("فان", "ان", "فانه", "انه", "فانها", "انها"):
                j += 1
            if j >= n or words.starts[j] >= e:
                return None
            if words.starts[j] >= cut:
                if words.starts[j] not in self.cue_starts:
                    return None
                cut = e  # وبحسب «رويترز»، أضاف الاتحاد …: a wrapper around the next quote
            cs, ce = trim(text, words.starts[j], cut, strip_stop=True)
            method = "according:before"
        else:
            # claim before the phrase, or on both sides when the sentence goes on after it
            cs = s
            rest_start = sp[1]
            first = rest_start
            while first < cut and text[first].isspace():
                first += 1
            comma_after = first < cut and text[first] in "،,"
            if comma_after and self.n_alpha(rest_start, cut) > 15:
                ce = cut
                method = "according:inside"
            else:
                ce = cue.start
                method = "according:after"
            cs, ce = trim(text, cs, ce, strip_stop=True)
            cs = drop_conj(text, cs, ce)
        if self.tokens.count(cs, ce) < 3:
            return None
        # بحسب ما ذكر وكيل اعماله لصحيفة بيلد …: after the claim, the outlet follows the source
        frame_end = e if method == "according:after" else min(e, max(sp[1], cue.end))
        return indirect_quote(cs, ce, cue, k, self.speech, method, 0.6, sp, (cue.start, frame_end))


# words that begin with a root و (وزير، وقت) keep it when content starts a sentence
NATIVE_WAW = {"وزير", "وزاره", "وكاله", "وقت", "وضع", "وفد", "واقع", "ولي", "وحده", "وجود", "وسط", "وفاه", "ورقه",
              "وعد", "ولايه", "وظيفه", "وطن", "وجه", "وصول", "وفق", "وثيقه", "وكيل", "والد", "والده", "وزن", "ودايع",
              "وحدات", "وسايل", "وزراء", "وكالات", "واردات", "وارد", "واجب", "وصف", "وعي", "ولاء"}


def drop_conj(text: str, s: int, e: int) -> int:
    """Content that starts a sentence leaves out its conjunction (وتحظى -> تحظى, ومنذ ->
    منذ), as the gold does, unless و is the word's own first letter (وزير، وقت)."""
    if e - s < 4 or text[s] != "و" or not text[s + 1].isalpha():
        return s
    k = s
    while k < e and k - s <= 12 and text[k].isalpha():  # longer than any NATIVE_WAW word: s + 1
        k += 1
    if text[s:k].translate(_FOLD_TAIL) in NATIVE_WAW or k - s <= 2:
        return s
    return s + 1


TRIM_SCAN = 256
_FOLD_TAIL = str.maketrans({"ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ئ": "ي", "ؤ": "و"})


def trim(text: str, s: int, e: int, strip_stop: bool = False) -> tuple[int, int]:
    """Trim spaces and leading/trailing punctuation (and a final full stop with
    ``strip_stop``); a sentence-initial conjunction is :func:`drop_conj`'s job.  At most
    TRIM_SCAN characters go from either end: the contents of many cues can share an end
    (the sentence end), and a run of thousands of commas there would be walked per cue."""
    top = min(e, s + TRIM_SCAN)
    while s < top and (text[s].isspace() or text[s] in "،,:-–—ـ"):
        s += 1
    floor = max(s, e - TRIM_SCAN)
    while e > floor and (text[e - 1].isspace() or text[e - 1] in "،,:;؛-–—"):
        e -= 1
    if strip_stop:
        while e > floor and text[e - 1] in ".…":
            e -= 1
            while e > floor and text[e - 1].isspace():
                e -= 1
    return s, e
