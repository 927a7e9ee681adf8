"""The words of a speaker mention: is a word a source's head (a title, an organisation, a
first name, المسؤولين for المسؤولون), does the name recogniser find a name there, and,
for the speaker stage, what kind of source the mention is and the name inside it::

    وزير الخارجية السعودي عادل الجبير   -> person, عادل الجبير
    مصادر مطلعة                        -> anonymous
    البيان                             -> document

The base of :class:`stages.speakers_np.NounPhrases` (which finds where a mention is),
split out of ``stages/speakers_np.py``.
"""
from __future__ import annotations

from .content_forms import ADVERBS
from .lexicon import Lexicon
from .words import RELATIVES, Words, bare, definite, strip_conj

PARTICLES = {"بن", "ابن", "بنت", "عبد", "ال", "ابو", "ابي", "ام", "دا", "دي", "فان", "فون", "لا"}
NAMED_MIN_PROB = 0.5  # a recognised name this sure makes a mention a source
# words that govern the noun after them, which then cannot be a subject
GOVERNING = {"في", "من", "الي", "علي", "عن", "مع", "خارج", "داخل", "حول", "ضد", "لدي", "عند", "نحو", "تجاه",
             "فوق", "تحت", "امام", "خلف", "بعد", "قبل", "منذ", "بين", "عبر", "ضمن", "لصالح", "بحق", "بشان"}


# times that follow a definite noun without ال (في الرياض يوم أمس، في الوزارة صباح اليوم)
_TIME_WORDS = {"يوم", "ظهر", "عصر", "فجر", "ليله", "ليل", "نهار", "منتصف", "مطلع", "اواخر", "اوايل", "غداه", "عشيه"}
# accusative adverbs between a title's place and the name (وزيرة حقوق الإنسان في اليمن سابقاً حورية مشهور)
_TITLE_ADVERBS = {"سابقا", "حاليا", "انذاك", "سابق"}


# words after كان that are no subject of the verb after them (وكان هناك …، كان، لذا طلبت …)
_NOT_SUBJECTS = {"هناك", "هنا", "ذلك", "هذا", "هذه", "تلك", "لذا", "لذلك", "قد", "لقد", "ايضا", "دايما", "يوما",
                 "امس", "اليوم", "من", "ما"}

# the talk a speaker gives, then a place before a cue with its resumptive pronoun (ألقى
# الوزير كلمة [في حفل الافتتاح] أكد فيها أن …)
_TALK_NOUNS = {"كلمه", "خطابا", "محاضره", "ورقه", "بيانا", "تصريحا", "حديثا"}
_PLACE_PREPS = {"في", "خلال", "امام", "اثناء", "لدي"}


class MentionWords:
    """The lexicon's source heads and the recogniser's names, read word by word."""

    def __init__(self, lex: Lexicon):
        self.lex = lex
        self._ali_memo: tuple[str, bool] | None = None
        # places speak as states and governments (أكدت المملكة، وأعلنت مصر)
        self.heads = lex.titles | lex.organizations | lex.groups | lex.documents | lex.anonymous | lex.media_heads \
            | lex.places
        self.needs_words = frozenset().union(*lex.needs.values()) if lex.needs else frozenset()

    def _name_ali(self, words: Words, j: int) -> bool:
        """علي spelled with ي in a text that writes the preposition على with ى is the name
        Ali: وقال علي الأحمد إن …، الدكتور أحمد علي."""
        if words.forms[j] != "علي" or words.orig is None:
            return False
        if words.orig_form(j) != "علي":
            return False
        nxt = words.forms[j + 1] if j + 1 < len(words) else ""
        if nxt in self.lex.complementisers or (j + 1 < len(words) and any(
                ch in words.gap(j, j + 1) for ch in "،,.:")):
            return True  # the preposition always has an object: … أحمد علي إن …
        # a text that writes the preposition as علي too (علي مواصلة) gives no signal
        memo = self._ali_memo  # once per document, not a scan of the text per mention
        if memo is None or memo[0] is not words.orig:
            memo = self._ali_memo = (words.orig, "على" in words.orig and words.orig.count("علي ") <= 3)
        return memo[1]

    def named(self, words: Words, i: int, types: tuple[str, ...] = ("PERS", "ORG", "MEDIA")) -> bool:
        """Does the recogniser find a person, organisation or outlet name starting at word
        ``i`` (وقال [عيد]، وأشار [نقشبندي]: names no lexicon lists)?"""
        names = words.names
        ent = names.at(i, types) if names is not None else None
        return ent is not None and ent.prob >= NAMED_MIN_PROB

    def _name_ends_at(self, words: Words, j: int) -> bool:
        """A sure person's name ends right before word ``j``."""
        names = words.names
        ent = names.covering(j - 1) if names is not None and j > 0 else None
        return ent is not None and ent.end_word == j and ent.prob >= NAMED_MIN_PROB

    def _inside_name(self, words: Words, j: int) -> bool:
        """Word ``j`` continues a person's name the recogniser found (محمد [الخميس])."""
        names = words.names
        f = words.forms[j]
        if names is None or len(f) < 3 or f in GOVERNING or f in self.lex.complementisers:
            return False  # a preposition never continues a name, whatever the recogniser says
        ent = names.covering(j)
        return ent is not None and ent.start_word < j and ent.prob >= NAMED_MIN_PROB

    def is_source_word(self, w: str) -> bool:
        lex = self.lex
        heads = self.heads
        for v in (w, strip_conj(w), bare(w)):
            if v in heads or ("ال" + v) in heads or v in lex.first_names:
                return True
            # the oblique plural: الباحثين = الباحثون، مسؤولين = مسؤولون
            if v.endswith("ين") and len(v) > 5 and (v[:-2] + "ون" in heads or "ال" + v[:-2] + "ون" in heads):
                return True
        if self._accusative_document(w) and not definite(w):
            return True  # أصدرت الوزارة [بيانا]، نشرت [تقريرا] يؤكد: a document in the accusative
        if len(w) > 4 and w.startswith(("عبد", "ابو")):
            return True  # عبدالوهاب، أبوبكر: compound first names the list need not hold
        # a preposition clitic before an indefinite head: لبيان تحليلي، بوزارة الصحة
        return w[:1] in "بلك" and len(w) > 3 and (w[1:] in heads or ("ال" + w[1:]) in heads)

    # ------------------------------------------------------------- typing
    def classify(self, mention_forms: list[str]) -> str:
        """person | organization | group | document | agency | anonymous | unknown."""
        lex = self.lex
        if not mention_forms:
            return "unknown"
        for w in mention_forms[:2]:
            if lex.match_agency(mention_forms, mention_forms.index(w)):
                return "agency"
        head = mention_forms[0]
        b = bare(head)
        cands = {head, b, "ال" + b, strip_conj(head)}
        if head.endswith("ا") and len(head) > 4:
            cands.add(head[:-1])  # the accusative: أرسل [بيانا] صحفيا جاء فيه
        if head[:1] in "بلك" and len(head) > 3:
            cands |= {head[1:], "ال" + head[1:]}
        if cands & lex.documents:
            return "document"
        if cands & lex.anonymous:
            return "anonymous"
        if cands & lex.media_heads:
            return "agency"
        if cands & lex.titles:
            return "person"
        if head.startswith("صحف") or b.startswith("صحف") or b in ("اعلام", "وسايل"):
            return "agency"  # الصحف الباكستانية، وسائل الإعلام: the press speaking for itself
        if cands & lex.organizations or cands & lex.places:
            return "organization"
        if cands & lex.groups:
            return "group"
        if head in lex.first_names or b in lex.first_names:
            return "person"
        if any(w in lex.titles for w in mention_forms[1:5]):
            return "person"  # ستيفن اوبراين نائب الامين العام …: a name then a title
        if len(mention_forms) == 1 and definite(head) and not b.endswith(("ون", "ين", "ات")):
            return "person"  # المديفر، الشريع: a family name alone
        if b.endswith(("ون", "ين")) and len(b) > 5:
            return "group"
        if head.startswith("صحف") or b.startswith("صحف") or b in ("اعلام", "وسايل"):
            return "agency"
        if len(mention_forms) <= 3 and not definite(head):
            return "person"
        if 2 <= len(mention_forms) <= 3 and not definite(mention_forms[-1]):
            return "person"  # الون موسك: أل- at the start of a foreign first name
        return "unknown"

    def name_of(self, forms: list[str], surface: list[str]) -> str:
        """The name inside a mention: ``وزير خارجية كازاخستان خيرات عبد الرحمانوف`` ->
        ``خيرات عبد الرحمانوف``; a mention with no name is its own name."""
        lex = self.lex
        start = None
        for i, f in enumerate(forms):
            if f in lex.boundaries:
                continue
            if f in lex.first_names or strip_conj(f) in lex.first_names:
                if i + 1 < len(forms) or i == 0:
                    start = i
                    break
        if start is None:
            return " ".join(surface)
        end = start + 1
        while end < len(forms) and end - start < 6:
            f = forms[end]
            if (f in lex.titles or f in self.heads) and forms[end - 1] not in PARTICLES and f not in ("الشيخ",):
                break
            if f[:1] in "لب" and f not in PARTICLES and not definite(f[1:]) and f not in lex.first_names \
                    and f[:2] != "ال":
                break
            end += 1
        return " ".join(surface[start:end])

    def _accusative_document(self, w: str) -> bool:
        """A document noun with the accusative's ا: بيانا، تقريرا (its bare form is listed)."""
        return w.endswith("ا") and w[:-1] in self.lex.documents

    def _indefinite_document(self, words: Words, k: int, i: int) -> bool:
        """Word ``k`` is an indefinite document noun heading its own noun phrase (no
        definite genitive after it: دراسة حديثة، تقريرا), up to word ``i``."""
        f = words.forms[k]
        noun = f[:-1] if self._accusative_document(f) else f
        return (noun in self.lex.documents and not definite(noun)
                and (k == i or not definite(words.forms[k + 1])))

    def _document_object(self, words: Words, first: int, i: int, cue_start: int) -> tuple[int, int] | None:
        """أصدر [الاتحاد] بيانا أعلن فيه …، نشرت وزارة العدل [تقريرا] كشف عن …: a subject,
        then an indefinite document in the accusative right before the cue. With فيه/فيها
        after the cue the document is where the subject said it (the subject speaks);
        without, the document itself says it. None when the mention is not so."""
        f = words.forms[i]
        if i <= first or not self._accusative_document(f):
            return None
        subj = next((k for k in range(i - 1, first - 1, -1) if self.is_source_word(words.forms[k])
                     or self.lex.match_agency(words.forms, k)), None)
        if subj is None or not any(definite(words.forms[t]) for t in range(subj, i)):
            return None
        k = words.first_at_or_after(cue_start)
        if k + 1 < len(words) and words.forms[k + 1] in ("فيه", "فيها"):
            return words.starts[subj], words.ends[i - 1]
        return words.starts[i], words.ends[i]

    def unlisted_name(self, words: Words, j: int, j_end: int) -> int | None:
        """القيادي في [المقاومة] شلال علي شايع إلى أن، وزيرة حقوق الإنسان في [اليمن] سابقاً
        حورية مشهور قائلة: after a title's place or body (a preposition at word ``j`` and a
        definite noun), two to four indefinite words running to word ``j_end`` (the opener
        or the cue) are a name neither the lexicon nor the recogniser knows. A definite noun
        takes only definite adjectives, so an indefinite word after it starts something new:
        here the name (a proper noun has no ال), or an adverb or a time (يوم أمس), which are
        left out. Returns the name's first word, or None."""
        lex = self.lex
        forms = words.forms
        f0 = forms[j]
        if not (f0 == "في" or f0.startswith(("بال", "لل"))) or (j and forms[j - 1] in lex.pronouns):
            return None  # (ودعا سموه في اتصال هاتفي المولى عز وجل أن: a pronoun has no name after it)
        d = max((t for t in range(j, j_end) if definite(forms[t])), default=None)
        if d is None or forms[d] == "الله":
            return None  # ودعت دائرة الإفتاء في الأردن الله عز وجل أن: a prayer
        a = d + 1
        while a < j_end and forms[a] in _TITLE_ADVERBS:
            a += 1
        if not 2 <= j_end - a <= 4:
            return None
        if not all(words.text[words.ends[t]:words.starts[t + 1]].isspace() for t in range(d, j_end - 1)):
            return None  # only spaces between the words (… موقعها الإلكتروني www.sfda.gov.sa أن)
        for t in range(a, j_end):
            f = forms[t]
            # (a preposition starts a place or a medium: … في تقريره الشهري في فرانكفورت; و a
            # second phrase: عز وجل; علي inside a name is the name, folded like على)
            if (f in lex.boundaries and not (f == "علي" and t > a)) or (f[0] == "و" and f not in lex.first_names):
                return None
            if (definite(f) or f in ADVERBS or f in _TIME_WORDS or f in lex.titles or f in lex.pronouns
                    or not f.isalpha() or not "\u0620" <= f[0] <= "\u064a" or len(f) < 2
                    or (f.endswith("ا") and f not in lex.first_names)
                    or (f[0] == "ل" and (f[1:] in lex.media_heads or lex.match_agency(forms, t) is not None))):
                return None  # (… في البرلمان الإيراني لوكالة فارس نيوز: the outlet spoken to)
        return a

    @staticmethod
    def _coordinated(words: Words, j: int) -> bool:
        """Word ``j`` (و + an indefinite noun, a definite one after it) coordinates a second
        construct with the لل-genitive before it, inside a body's name: الرئاسة العامة
        للأرصاد [وحماية البيئة]، الهيئة العامة للغذاء والدواء."""
        forms = words.forms
        return (j > 0 and j + 1 < len(forms) and forms[j].startswith("و") and forms[j - 1].startswith("لل")
                and definite(forms[j + 1]) and words.gap(j, j + 1) == " ")

    def _kaana_subject(self, words: Words, first: int, i: int) -> bool:
        """Are words ``first … i`` (one to three, right after كان) a bare name that is the
        subject of the verb after them (وكان [ليون] دعا …، وكان [برناردينو ليون] أكد أن)?
        Only spaces around them, no demonstrative or adverb, and nothing shaped like a verb
        (يريد), a possessed noun (توجهه) or an accusative (لقاءً) unless a listed first name."""
        forms, lex = words.forms, self.lex
        if any(forms[t] in _NOT_SUBJECTS or not forms[t].isalpha() or words.gap(t - 1, t) != " "
               for t in range(first, i + 1)):
            return False
        ent = words.names.covering(first, ("PERS", "ORG")) if words.names is not None else None
        if ent is not None and ent.start_word == first and ent.end_word == i + 1:
            return True  # a recognised name (وكان أوباما صرح …)
        for t in range(first, i + 1):
            f = forms[t]
            if f in lex.first_names:
                continue
            if (f[0] in "يت" and len(f) >= 4 and t == first) or f.endswith(("ها", "هم", "ا")) \
                    or (f.endswith("ه") and not words.orig_ends_with(t, "ة")):
                return False
        return True

    def _talk_before_place(self, words: Words, i: int, cue_start: int) -> int:
        """ألقى الوزير [كلمة] في حفل الافتتاح أكد فيها أن …: when the cue's resumptive
        فيها/فيه refers to a talk noun a short place phrase back, the mention ends before
        the talk noun (its index minus one is returned); else ``i`` itself."""
        forms = words.forms
        k = words.first_at_or_after(cue_start)
        if k + 1 >= len(forms) or forms[k + 1] not in ("فيه", "فيها"):
            return i
        for t in range(i - 1, max(0, i - 6), -1):
            if any(ch in words.gap(t, t + 1) for ch in "،,:؛.()«»“”\""):
                return i
            if forms[t] in _TALK_NOUNS and forms[t + 1] in _PLACE_PREPS:
                return t - 1 if t > 0 else i
        return i

    def _apposed_subject(self, words: Words, i: int, s: int) -> tuple[int, int] | None:
        """SVO with the subject's apposition or relative clause between commas: [تيد كروز]،
        عضو مجلس الشيوخ عن ولاية تكساس، يقول: …؛ [الوزير]، الذي وصل أمس إلى الرياض، قال إن
        …. Word ``i`` ends the parenthesis (a comma follows it, then the cue); the
        parenthesis opens with a title, a source head or a relative pronoun, and the subject
        before it opens the clause. The subject's offsets, or None."""
        forms, lex, text = words.forms, self.lex, words.text
        c = None  # the parenthesis' first word
        for t in range(i, max(-1, i - 14), -1):
            if words.starts[t] < s:
                return None
            g = text[words.ends[t - 1]:words.starts[t]] if t else "\n"
            if any(ch in g for ch in ":؛.()«»“”\"\n"):
                return None
            if "،" in g or "," in g:
                c = t
                break
        if c is None or c == 0:
            return None
        f = strip_conj(forms[c])
        if not (f in RELATIVES or f in lex.titles or self.is_source_word(f)):
            return None
        x1 = c - 1  # the subject's last word
        x0 = x1
        while x0 > 0 and x1 - x0 < 4 and words.starts[x0 - 1] >= s and \
                not any(ch in text[words.ends[x0 - 1]:words.starts[x0]] for ch in "،,:؛.()«»“”\"\n"):
            x0 -= 1
        if x0 > 0 and words.starts[x0] > s and not any(ch in text[words.ends[x0 - 1]:words.starts[x0]] for ch in ":؛.()\n"):
            return None  # the subject opens its sentence (not a second apposition: عسيري، المتحدث …، المستشار …، أكد)
        if any(forms[t] in lex.boundaries or forms[t] in lex.cue_forms or strip_conj(forms[t]) in lex.cue_forms
               for t in range(x0, x1 + 1)):
            return None
        f0 = forms[x0]
        if not (self.is_source_word(f0) or self.named(words, x0) or lex.match_agency(forms, x0)):
            return None
        return words.starts[x0], words.ends[x1]
