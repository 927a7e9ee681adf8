"""Stage 4: find reporting cues by hash lookup of normalised words.

Covers verbs in every person the lexicon generates (قال، قالت، يقولون، وأضافت،
فأكد), participles (مضيفا، مشيرة), ``بحسب ما ذكر``-type phrases, document cues
(``جاء في``) and verbal nouns (``نقل عنه قوله``).  One dict lookup per word; no
per-token regular expressions.
"""
from __future__ import annotations

from itertools import compress, count

from spacy.language import Language
from spacy.tokens import Doc

from .lexicon import Lexicon, load_lexicon
from .model import Cue, ext
from .words import NAME_PARTICLES, Words, bare, strip_conj


# name particles: a cue-looking word after them is part of a name (علي بن أبي طالب)
RELATIVE = {"ما", "مما", "بما", "فيما"}
# a finite verb never follows a preposition: the same letters there are a verbal noun
PREPOSITIONS = {"في", "من", "عن", "الي", "علي", "حول", "خلال", "اثناء", "عند", "لدي"}
QUANTIFIERS = {"اي", "كل", "لكل", "باي", "لاي", "بكل"}
NOT_ACCORDING = {"فحسب"}  # "only", not ف + حسب
NAMED_FORMS = {"يدعي", "تدعي"}
# a counted noun follows a number word as it follows digits (200 ألف طالب، عشرات الطلاب)
NUMBER_WORDS = {"الف", "الاف", "مليون", "ملايين", "مئه", "ماءه", "مائه", "مئات", "عشرات", "عشره", "عشر"}
IMPERSONAL_ADVERBS = {"ايضا", "كذلك", "لاحقا", "لاحقا", "اخيرا", "مؤخرا", "موخرا", "بعد", "فيما", "بعدها"}
OBJECT_SUFFIXES = ("هما", "هم", "ها", "ه", "ني", "نا", "كم")


def _no_object(w: str) -> str:
    """ذكرته -> ذكرت, نقلته -> نقلت, اوردته -> اوردت: drop an object pronoun."""
    for suf in ("ته", "تها", "ه", "ها"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: len(w) - len(suf)] + ("ت" if suf.startswith("ت") else "")
    return w


@Language.factory(
    "isnad_cues",
    requires=["doc._.isnad_norm", "doc._.isnad_sentences"],
    assigns=["doc._.isnad_cues"],
    default_config={"config_path": None},
)
def make_cues(nlp: Language, name: str, config_path: str | None) -> "CueFinder":
    return CueFinder(load_lexicon(config_path))


class CueFinder:
    def __init__(self, lex: Lexicon):
        self.lex = lex
        firsts: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for p in lex.according_phrases:
            firsts.setdefault(p[0], []).append((p, "according"))
        for p in lex.document_phrases:
            firsts.setdefault(p[0], []).append((p, "document"))
        self.phrases = firsts
        base = set(lex.cue_forms) | set(lex.according_words) | set(lex.noun_forms) | set(firsts) | NOT_ACCORDING
        base |= {w + suf for w, f in lex.cue_forms.items() if f.kind == "verb" and not f.imperfect
                 and f.lemma in lex.pronoun_object for suf in OBJECT_SUFFIXES}
        self._norm = None
        # who can follow a form in [strict] source_after (عبر الرئيس): people and bodies, not
        # places or media (عبر الرياض، عبر حسابه)
        self._heads = (lex.titles | lex.organizations | lex.groups | lex.anonymous) - lex.places - lex.media_heads
        self.starters = frozenset(base | {c + w for w in base for c in ("و", "ف")})

    def __call__(self, doc: Doc) -> Doc:
        norm = ext(doc, "isnad_norm")
        words = Words.of(norm.text)
        # the letters as written, at the words' offsets: also when marks were removed
        # (a single shadda or tatweel in an article turned off every rule that reads a
        # spelling folding erases: وقال عضو المجلس [علي البارقي] إن, يُدعى, ة vs ه)
        words.orig = norm.spelled
        doc.user_data["isnad_words"] = words
        self._norm = norm
        doc._.isnad_cues = self.find(words)
        self._norm = None
        return doc

    def find(self, words: Words) -> list[Cue]:
        lex = self.lex
        forms = words.forms
        cue_forms = lex.cue_forms
        according = lex.according_words
        nouns = lex.noun_forms
        phrases = self.phrases
        out: list[Cue] = []
        n = len(forms)
        # only words that can start a cue are looked at (one set test per word in C-ish
        # speed); the rest of the loop runs on a few dozen candidates per article
        starters = self.starters
        skip_to = 0
        for i in compress(count(), map(starters.__contains__, forms)):
            if i < skip_to:
                continue
            w = forms[i]
            b = strip_conj(w)
            # multi-word phrases first: على حد قوله، نقلا عن، جاء في
            hit = None
            for cand in (w, b):
                for p, kind in phrases.get(cand, ()):
                    k = len(p)
                    if tuple([cand, *forms[i + 1:i + k]]) == p:
                        hit = (p, kind, k)
                        break
                if hit:
                    break
            if hit:
                p, kind, k = hit
                out.append(Cue(words.starts[i], words.ends[i + k - 1], " ".join(p), kind,
                               word_end=words.ends[i + k - 1]))
                skip_to = i + k
                continue
            prev = forms[i - 1] if i else ""
            if prev in NAME_PARTICLES:
                continue  # علي بن أبي طالب: a name, not the verb طالب
            if (w in lex.source_after or b in lex.source_after) and not (
                    i + 1 < n and self._source_word(forms[i + 1])):
                continue  # عبر الحدود، عبر حسابه: "via"; وعبر الرئيس عن …: a cue
            if b in NAMED_FORMS and self._last_char(words, i) == "ى":
                continue  # رجل يُدعى محمد: "is called", not يدّعي "claims"
            if (prev.isdigit() or prev in NUMBER_WORDS) and not words.gap(i - 1, i).strip(" \t"):
                continue  # أكثر من 400 طالب وطالبة: a counted noun, not a verb
            if w in NOT_ACCORDING:
                continue
            if b in according or w in according:
                cue = self._according(words, i, b if b in according else w)
                if cue:
                    out.append(cue)
                    # the words the phrase took (ما، the verb) are not cues of their own
                    skip_to = i + 1
                    while skip_to < n and words.starts[skip_to] < cue.end:
                        skip_to += 1
                continue
            if w in nouns or b in nouns:
                # the possessive gives the speaker's agreement: لاعتقادها (her), قولهم (their)
                nb = b if b in nouns else w
                plural = nb.endswith(("هم", "هن", "هما"))
                fem = nb.endswith("ها") and not plural
                out.append(Cue(words.starts[i], words.ends[i], nb, "noun", feminine=fem, plural=plural,
                               word_end=words.ends[i]))
                continue
            # (و may be the verb's first root letter: وصفها بـ … is وصف + ها, not و + صفها)
            f = cue_forms.get(w) or cue_forms.get(b) or self._with_object(b, self._last_char(words, i)) \
                or (self._with_object(w, self._last_char(words, i)) if b != w else None)
            if f is not None and f.imperfect and prev in RELATIVE:
                f = None  # وهو ما يشير إلى أن …: the narration's own inference
            if f is not None and not f.imperfect and f.kind == "verb" and prev in RELATIVE and i + 1 < n \
                    and forms[i + 1].startswith(("بان", "بال")) and words.gap(i - 1, i) == " " \
                    and not b.endswith(("ه", "ها", "هم", "هما")):
                # ما وُصف بأنه «جريمة»، ما وصف بالمجزرة: a passive, nobody named says it (with an
                # object pronoun the verb is active: بما وصفه بأنه …)
                f = None
            if f is not None and f.kind == "verb" and not f.imperfect and prev in PREPOSITIONS:
                f = None  # خاصة في [وصف] المرأة …: after a preposition the form is a verbal noun
            if f is not None and f.kind == "verb" and not f.imperfect and strip_conj(prev) in QUANTIFIERS \
                    and words.gap(i - 1, i) == " ":
                f = None  # أي [طالب] سيتم استبعاده، كل [فرد]: a quantifier takes a noun (كلٌّ يدعي: a verb)
            if f is not None and f.kind == "verb" and not f.imperfect and f.lemma[:1] == "أ" \
                    and self._char_at(words.starts[i] + (len(w) - len(b))) == "آ":
                f = None  # وآمل أن …: "I hope" (آ folds to ا like the أ of أمل "he hoped"), the speaker's own words
            if f is not None and i + 1 < n and forms[i + 1] in ("الله", "المولي", "لله"):
                f = None  # ودعا الله أن يحفظ …، سائلا المولى: a prayer, no checkable claim
            if f is not None and f.kind == "participle" and strip_conj(prev) in ("كان", "يكون", "تكون", "ليس", "بات") \
                    and not any(ch in words.gap(i - 1, i) for ch in "،,.:؛"):
                f = None  # وكان لافتا حضور …: an adjective, not a cue
            if f is not None and f.kind == "participle" and i > 0 and any(ch in words.gap(i - 1, i) for ch in "-–ـ"):
                f = None  # سبق- متابعة: a byline ("follow-up"), not a participle of speech
            if f is not None and f.kind == "participle" and out and out[-1].word_end == words.ends[i - 1] \
                    and out[-1].kind == "verb":
                f = None  # ويقول معلقا: / وأضاف قائلا: — the participle qualifies the verb before it
            if f is not None and f.colon_only and not self._opener_near(words, i, span=4):
                f = None  # البطولة التي اختتمت أمس: اختتم / ختم report only with an opener close by
            if f is not None and (w in lex.strict or b in lex.strict) and not self._opener_near(words, i):
                f = None  # اجتماع بين الوزيرين: "between", not بيّن (no complementiser follows)
            if f is not None and b == "بين" and w != b and _between_before(words, i):
                f = None  # الفرق بينهم [وبين] جماعة … أن: the second term of "between … and"
            if f is not None:
                # impersonal يذكر أن / يشار إلى أن: narration, no source
                if b in lex.impersonal or w in lex.impersonal:
                    k = i + 1
                    while k < n and k <= i + 2 and forms[k] in IMPERSONAL_ADVERBS:
                        k += 1  # كما تبين أيضا أنها …
                    if k < n and (forms[k] in lex.complementisers or forms[k] in lex.comp_preps):
                        continue
                out.append(Cue(words.starts[i], words.ends[i], f.lemma, f.kind, f.prep, f.feminine, f.plural,
                               f.imperfect, word_end=words.ends[i]))
        return out

    def _source_word(self, f: str) -> bool:
        lex = self.lex
        b = bare(f)
        return any(v in self._heads for v in (f, b, "ال" + b)) or b in lex.first_names

    def _char_at(self, offset: int) -> str:
        norm = self._norm
        return norm.orig[norm.to_orig(offset)] if norm is not None else ""

    def _last_char(self, words: Words, i: int) -> str:
        return self._char_at(words.ends[i] - 1)

    def _with_object(self, w: str, last: str = ""):
        """أبلغه، أخبرته، اتهمها، طالبهم: a verb cue with an object pronoun, for the
        lemmas that take one ([pronoun_object] in cues.toml). A final ة folded to ه is no
        pronoun (طلبة "students", دعاة "preachers")."""
        for suf in OBJECT_SUFFIXES:
            if suf == "ه" and last == "ة":
                continue
            # the plural's alif drops before a pronoun (قالوه): دعواه is a noun, "his lawsuit"
            if w.endswith(suf) and len(w) - len(suf) >= 3 and not w[:-len(suf)].endswith("وا"):
                f = self.lex.cue_forms.get(w[:-len(suf)])
                # perfect verbs only: an imperfect with a pronoun is mostly a subordinate
                # clause (… بأن تحاسب كل من تسبب وتطالبه بسدادها), not a report
                if f is not None and f.kind == "verb" and not f.imperfect and f.lemma in self.lex.pronoun_object:
                    return f
        return None

    def _opener_near(self, words: Words, i: int, span: int = 7) -> bool:
        """A complementiser, a colon or an opening mark within ``span`` words after word ``i``."""
        comps = self.lex.complementisers
        for t in range(i + 1, min(len(words), i + 1 + span)):
            if words.forms[t] in comps or any(ch in words.gap(t - 1, t) for ch in ":«“"):
                return True
        return i + 1 < len(words) and ":" in words.text[words.ends[i]:words.ends[i] + 3]

    def _according(self, words: Words, i: int, w: str) -> Cue | None:
        """بحسب ما ذكر X، حسبما أفاد X، وفقا لـX، وفق X — not ``حسب الحالة``."""
        forms = words.forms
        n = len(forms)
        end = words.ends[i]
        j = i + 1
        if j < n and forms[j] == "ل" and w in ("وفقا", "طبقا", "تبعا"):
            j += 1  # وفقا لـ البيان (tatweel form, split)
        if j < n and forms[j] in ("ما", "لما"):
            end = words.ends[j]
            j += 1
        if w in ("حسبما", "بحسبما", "وفقما") or end != words.ends[i]:
            # a verb of saying follows: بحسب ما ذكر، حسبما نقل، وفقا لما ذكرته
            if j < n and (self.lex.cue_forms.get(forms[j]) or self.lex.cue_forms.get(strip_conj(forms[j]))
                          or self.lex.cue_forms.get(_no_object(forms[j]))):
                end = words.ends[j]
                return Cue(words.starts[i], end, w, "according", word_end=end)
            return None  # وفق ما شرعه الله / حسبما يراه مناسبا: "as", not a source
        if j >= n:
            return None
        nxt = forms[j]
        b = nxt[1:] if nxt.startswith("ل") and w in ("وفقا", "طبقا", "تبعا") else nxt
        b = b[1:] if b.startswith("لل") else b
        if nxt in self.lex.according_stopwords or b in self.lex.according_stopwords or \
                ("ال" + b[2:] if b.startswith("ال") else "ال" + b) in self.lex.according_stopwords:
            return None
        # a possessed noun is a circumstance, not a source: بحسب ظروفه، وفقا لرغبتها، حسب حاجتهم
        # (a bare ه may be a folded ة — وكالة، إحصائية — so it counts only for listed words)
        for suf in ("هما", "هم", "ها", "ه"):
            if not (b.endswith(suf) and len(b) - len(suf) >= 3) or b in self._heads \
                    or b in self.lex.documents or b in self.lex.media_heads:
                continue
            stem = b[:-len(suf)]
            stem = stem[:-1] + "ه" if stem.endswith("ت") else stem  # رغبتها -> رغبه
            listed = "ال" + stem in self.lex.according_stopwords or stem in self.lex.according_stopwords
            if listed or suf != "ه" and not ({stem, "ال" + stem} & (self._heads | self.lex.documents | self.lex.media_heads)):
                return None
            break
        return Cue(words.starts[i], end, w, "according", word_end=end)


def _between_before(words: Words, i: int, back: int = 8) -> bool:
    """Is وبين at word ``i`` the second half of "between … and" (بين X وبين Y، بينهم وبين
    …)? A word of بين stands before it in the same clause, no stop or comma between."""
    forms = words.forms
    for t in range(i - 1, max(-1, i - 1 - back), -1):
        if any(ch in words.gap(t, t + 1) for ch in "،,.:؛!؟?\n"):
            return False
        if strip_conj(forms[t]).startswith("بين") and strip_conj(forms[t]) not in ("بينما",):
            return True
    return False
