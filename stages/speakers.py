"""Stage 6: type and name each speaker, resolve implicit ones, merge mentions.

- Type from the mention's head: بيان -> document, مصادر -> anonymous, وزير -> person,
  وزارة -> organization, الدول -> group, سانا/صحيفة X -> agency.
- Implicit subjects and pronouns (``وأضاف أن``، ``مشيرا إلى``، ``وقال سماحته``)
  take the nearest earlier speaker that agrees with the cue (``وقالت`` wants a
  feminine or non-person antecedent).
- Mentions of one source merge into one ``speaker_id``: ``خيرات عبد الرحمانوف`` =
  ``عبد الرحمانوف``; ``البيان`` = ``بيان الدول الضامنة``.
"""
from __future__ import annotations

from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc

from . import budget
from .lexicon import Lexicon, load_lexicon
from .model import Quote, Speaker, ext
from .spanindex import SpanSet
from .speakers_np import NounPhrases
from .speakers_titles import PersonTitles, name_words, speaker_key, word_positions  # noqa: F401 (speaker_key: stages.speakers API)
from .subjects import MAX_WINDOW_CHARS, SubjectFinder
from .textnorm import fold
from .words import WORD_RE, bare, strip_conj

_NO_MARKS = str.maketrans({c: " " for c in "«»“”\"„‹›"})


@Language.factory(
    "isnad_speakers",
    requires=["doc._.isnad_quotes"],
    assigns=["doc._.isnad_speakers"],
    default_config={"config_path": None},
)
def make_speakers(nlp: Language, name: str, config_path: str | None) -> "SpeakerResolver":
    return SpeakerResolver(load_lexicon(config_path))


class SpeakerResolver(PersonTitles):
    def __init__(self, lex: Lexicon):
        self.lex = lex
        self.np = NounPhrases(lex)
        self.subjects = SubjectFinder(self.np)
        self._doc = None

    def __call__(self, doc: Doc) -> Doc:
        text = ext(doc, "isnad_norm").text
        orig = ext(doc, "isnad_norm").orig  # doc.text would rebuild the text from every token
        norm = ext(doc, "isnad_norm")
        quotes: list[Quote] = sorted(ext(doc, "isnad_quotes"), key=lambda q: q.start)
        doc._.isnad_quotes = quotes
        for q in quotes:
            budget.check()  # the document's time budget (stages/budget.py)
            if q.speaker_start is None:
                q.implicit = True
                continue
            forms = WORD_RE.findall(text[q.speaker_start:q.speaker_end])
            if not forms:
                # a span of punctuation only (a stray mark): no mention, resolve like وأضاف
                q.speaker_start = q.speaker_end = None
                q.implicit = True
                continue
            if len(forms) == 1 and forms[0] in self.lex.pronouns:
                q.pronoun = True
                q.implicit = True
                continue
            prefix_lam = forms[0].startswith("ل") and len(forms[0]) > 3 and q.cue.kind == "according"
            if prefix_lam and not forms[0].startswith("لل"):
                # وفقا لبيان تحليلي: the mention starts after the preposition لـ
                q.speaker_start += 1
            q.speaker_type, q.speaker_name, q.name_prob = self.type_and_name(doc, q.speaker_start, q.speaker_end,
                                                                              prefix_lam)
        self._doc = doc
        self._resolve(quotes, doc)
        self._doc = None
        clusters = self._cluster(quotes, doc)
        people = [sp for sp in clusters if sp.type == "person"]
        if people:
            positions = word_positions(doc.user_data["isnad_words"].forms,
                                       {f[-1] for f in map(name_words, people) if f})
            for sp in people:
                self._enrich(sp, doc, positions)
        doc._.isnad_speakers = clusters
        return doc

    def type_and_name(self, doc: Doc, s: int, e: int, prefix_lam: bool = False) -> tuple[str, str, float | None]:
        """Type and name of the mention at normalised ``s:e``: a person's name inside a
        long mention (وزير خارجية كازاخستان خيرات عبد الرحمانوف -> خيرات عبد الرحمانوف),
        otherwise the mention as written; and the recogniser's probability for the person's
        name it found there (None when it found none: the confidence model reads it)."""
        norm = ext(doc, "isnad_norm")  # once per mention: doc._ costs more than the rest
        orig = norm.orig
        forms = WORD_RE.findall(norm.text[s:e])
        surface = WORD_RE.findall(orig[norm.to_orig(s):norm.to_orig_end(e)])
        if len(surface) != len(forms):
            surface = forms
        if prefix_lam and forms[0].startswith("لل"):
            # وفقا للمرصد السوري: ل fused with the article; the name is المرصد السوري
            forms = ["ا" + forms[0][1:]] + forms[1:]
            surface = ["ا" + surface[0][1:]] + surface[1:]
        stype = self.np.classify(forms)
        ent = None if prefix_lam else self._person_entity(doc, s, e)
        if ent is not None and stype in ("person", "unknown"):
            a, b, clitic, prob = ent
            name = " ".join(surface[a:b])
            rest = forms[a][len(clitic):]
            if len(surface[a]) - len(clitic) >= 3 and not (rest.startswith("ال") and len(rest) < 5):
                name = name[len(clitic):]  # (فان بيرسي keeps its ف: no clitic leaves two letters)
            lex_name = self.np.name_of(forms, surface)
            # the recogniser's name, unless the lexicon's holds it and more (خيرات عبد الرحمانوف,
            # الشاعر أمجد ناصر): a name cut short names nobody, one with a word too many still does
            # (name_of gives the whole mention back when it finds no first name: يرى
            # البرتغالي [جوزيه مورينيو] المدير الفني لنادي تشيلسي … names Mourinho)
            # (only a sure name of two words or more: a one-word entity is often a piece, عالية آل [فريد])
            whole = lex_name == " ".join(surface) and len(surface) > b - a + 2 and b - a >= 2 and prob >= 0.9
            if stype == "unknown" or whole or not (name in lex_name and len(lex_name) > len(name)):
                return "person", name, prob
            return stype, lex_name, prob
        if stype == "person":
            return stype, self.np.name_of(forms, surface), None
        if prefix_lam:
            return stype, " ".join(surface), None
        return stype, " ".join(orig[norm.to_orig(s):norm.to_orig_end(e)].translate(_NO_MARKS).split()), None

    def _person_entity(self, doc: Doc, s: int, e: int) -> tuple[int, int, str, float] | None:
        """A person's name the recogniser finds inside the mention at ``s:e``, as word
        positions relative to the mention and the clitic to drop (وليد المعلم، أيوب بن نحيت)."""
        words = doc.user_data["isnad_words"]
        names = words.names
        if names is None:
            return None
        i0, i1 = words.first_at_or_after(s), words.last_before(e) + 1
        ent = names.first_in(i0, i1)
        if ent is None or ent.end_word > i1:
            return None
        # of several names, the one a title stands right before is the person's (مدير جوازات
        # مطار الملك عبدالعزيز الدولي [العقيد] سليمان محمد اليوسف: the airport's name comes first)
        # (the first name is the person's when only titles stand before it: الأمير خالد الفيصل
        # مستشار خادم الحرمين الملك سلمان)
        if not all(self._titled(words, t + 1) for t in range(i0, ent.start_word)):
            nxt = names.first_in(ent.end_word, i1)
            while nxt is not None and nxt.end_word <= i1:
                if self._titled(words, nxt.start_word):
                    ent = nxt
                nxt = names.first_in(nxt.end_word, i1)
        return ent.start_word - i0, ent.end_word - i0, ent.clitic, ent.prob

    def _titled(self, words, k: int) -> bool:
        """Is the word before word ``k`` a person's title (العقيد، الدكتور، وزير)?"""
        if k == 0:
            return False
        f = words.forms[k - 1]
        titles = self.lex.titles
        return f in titles or strip_conj(f) in titles or (f.startswith("ال") and f[2:] in titles)

    def _has_name(self, name: str) -> bool:
        lex = self.lex
        return any(w in lex.first_names and w not in lex.boundaries for w in WORD_RE.findall(fold(name)))

    def _resolve(self, quotes: list[Quote], doc: Doc) -> None:
        words = doc.user_data["isnad_words"]
        sents = ext(doc, "isnad_sentences")
        sent_ends = [e for _, e in sents]

        def sent_end(off: int) -> int:
            k = bisect_left(sent_ends, off + 1)
            return sent_ends[k] if k < len(sent_ends) else len(words.text)

        # quoted words are someone's speech, not the narration whose subjects we track
        skip = SpanSet([(q.start, q.end) for q in quotes] + [(m.start, m.end) for m in doc.user_data.get("isnad_speech_marks", [])])
        for i, q in enumerate(quotes):
            if not q.implicit:
                continue
            fem = q.cue.feminine
            best = None
            mismatch = False
            for k in range(i - 1, max(-1, i - 1 - MAX_ANTECEDENT_QUOTES), -1):
                p = quotes[k]
                if p.speaker_name is None:
                    continue
                # participles agree loosely in news prose (وبينت الشركة …، مشيراً إلى أن)
                if q.cue.kind == "verb" and not _agrees(p, fem, q.cue.plural):
                    # …حيث كشفت الإحصائيات … وأشار إلى أن: وأشار is not the statistics
                    if best is None:
                        best, mismatch = k, True
                    continue
                best, mismatch = k, False
                break
            # a source named by a narration verb after that speaker is nearer: غردت الوزيرة
            # حورية مشهور قائلة: …، وكانت نقابة الصحفيين قد أدانت … وقالت إنه …
            anchor = 0
            if best is not None and not mismatch:
                p = quotes[best]
                anchor = max(p.speaker_end or 0, p.cue.end)
            subj = self._subject_before(words, q, max(anchor, q.cue.start - MAX_WINDOW_CHARS), sent_end, skip)
            if subj is not None:
                q.speaker_type, q.speaker_name, q.name_prob = subj
                q.antecedent = None
                q.method += "+subject"
                q.confidence = round(q.confidence * 0.85, 3)
                continue
            if (best is None or mismatch) and fem:
                ent = self._feminine_entity(doc, q, quotes[best].start if best is not None else 0)
                if ent is not None:
                    q.speaker_name, q.speaker_type = ent, "organization"
                    q.method += "+implicit-entity"
                    q.confidence = round(q.confidence * 0.8, 3)
                    continue
            if best is not None:
                p = quotes[best]
                q.antecedent = best
                q.speaker_name = p.speaker_name
                q.speaker_type = p.speaker_type
                q.name_prob = p.name_prob
                q.method += "+implicit"
                q.confidence = round(q.confidence * 0.9, 3)

    def _subject_before(self, words, q: Quote, lo: int, sent_end, skip) -> tuple[str, str, float | None] | None:
        """The nearest clause subject before ``q``'s cue that agrees with it."""
        if lo >= q.cue.start:
            return None
        cands = self.subjects.in_window(words, lo, q.cue.start, sent_end, skip)
        fem, plural = q.cue.feminine, q.cue.plural
        for sb in reversed(cands):
            if sb.end > q.cue.start:
                continue
            stype, name, prob = self.type_and_name(self._doc, sb.start, sb.end)
            if plural and not (sb.plural or stype in ("group", "anonymous")):
                continue
            if not plural and sb.plural:
                continue
            if stype == "person":
                if fem != (sb.gender == "f" or _feminine_name(name)):
                    continue
            elif sb.gender and (sb.gender == "f") != fem and stype not in ("group", "anonymous"):
                continue
            return stype, name, prob
        return None

    def _feminine_entity(self, doc: Doc, q: Quote, floor: int) -> str | None:
        """وتخطط «تسلا» … وقالت إنها …: a feminine cue with no fitting earlier speaker
        takes the nearest name in marks or organisation noun (الشركة، الوزارة) before it."""
        text = ext(doc, "isnad_norm").text
        lo = max(floor, q.cue.start - 400)
        best = None
        marks = ext(doc, "isnad_marks") or []
        opens = doc.user_data.get("isnad_mark_opens")
        if opens is None:  # marks come in text order: the window's marks by bisection
            opens = doc.user_data["isnad_mark_opens"] = [m.open_at for m in marks]
        for t in range(bisect_left(opens, lo), len(marks)):
            m = marks[t]
            if m.open_at >= q.cue.start:
                break
            if m.is_name:
                before = WORD_RE.findall(text[max(0, m.open_at - 25):m.open_at])
                pw = before[-1] if before else ""
                # a subject in marks right after a verb (وتخطط «تسلا») or a company noun
                if pw[:2] in ("وت", "وي") or pw[:1] in "تي" or bare(pw) in {bare(o) for o in ("شركه", "مجموعه")}:
                    best = (m.start, m.end)
        for mt in WORD_RE.finditer(text, lo, q.cue.start):
            w = mt.group()
            if w.startswith("ال") and w.endswith("ه") and w in self.lex.organizations:
                if best is None or mt.start() > best[0]:
                    best = (mt.start(), mt.end())
        if best is None:
            return None
        norm = ext(doc, "isnad_norm")
        return norm.orig[norm.to_orig(best[0]):norm.to_orig_end(best[1])]

    def _cluster(self, quotes: list[Quote], doc: Doc) -> list[Speaker]:
        clusters: list[Speaker] = []
        cluster_words: list[set[str]] = []
        for q in quotes:
            if q.speaker_name is None:
                continue
            if q.antecedent is not None and quotes[q.antecedent].speaker_id:
                q.speaker_id = quotes[q.antecedent].speaker_id
                q.speaker_name = quotes[q.antecedent].speaker_name  # after any renaming below
                _bump(clusters, q.speaker_id)
                continue
            ws = {bare(w) for w in WORD_RE.findall(fold(q.speaker_name))} - {"", "ال"}
            mention_ws = set()
            if q.speaker_start is not None:
                mention_ws = {bare(w) for w in WORD_RE.findall(ext(doc, "isnad_norm").text[q.speaker_start:q.speaker_end])}
            hit = None
            for ci in range(len(clusters) - 1, max(-1, len(clusters) - 1 - MAX_CLUSTERS_BACK), -1):
                cw = cluster_words[ci]
                if ws and (ws <= cw or cw <= ws or (mention_ws and mention_ws <= cw)):
                    hit = ci
                    break
            if hit is None:
                sid = f"s{len(clusters) + 1}"
                clusters.append(Speaker(sid, q.speaker_name, q.speaker_type, [q.speaker_name],
                                        key=speaker_key(q.speaker_name)))
                cluster_words.append(ws | mention_ws)
                hit = len(clusters) - 1
            else:
                sp = clusters[hit]
                if q.speaker_name not in sp.aliases:
                    sp.aliases.append(q.speaker_name)
                if sp.type == "person" and q.speaker_type == "person" and not self._has_name(q.speaker_name) \
                        and self._has_name(sp.name):
                    # ولفت المشرف العام على وكالة التنمية: a title alone names the person met before
                    q.speaker_name = sp.name
                cluster_words[hit] |= ws | mention_ws
                # a personal name beats a title, and a fuller one (up to five words) a shorter
                if sp.type == q.speaker_type == "person" and self._has_name(q.speaker_name) and (
                        not self._has_name(sp.name)
                        or len(sp.name.split()) < len(q.speaker_name.split()) <= 5):
                    sp.name, sp.key = q.speaker_name, speaker_key(q.speaker_name)
            q.speaker_id = clusters[hit].speaker_id
            clusters[hit].n_quotes += 1
        return clusters


def _bump(clusters: list[Speaker], sid: str) -> None:
    k = int(sid[1:]) - 1 if sid[1:].isdigit() else -1  # _cluster names them s<position + 1>
    if 0 <= k < len(clusters) and clusters[k].speaker_id == sid:
        clusters[k].n_quotes += 1
        return
    for c in clusters:
        if c.speaker_id == sid:
            c.n_quotes += 1
            return


MAX_ANTECEDENT_QUOTES = 30  # how many earlier quotes an implicit speaker looks back over
# Bounds that no news article reaches (29 speakers and a surname's few mentions at most in
# 31k SaudiNewsNet articles) and that keep a document of thousands of speakers linear.
MAX_CLUSTERS_BACK = 200  # how many earlier speakers a mention is compared with


def _agrees(p: Quote, fem: bool, plural: bool = False) -> bool:
    """Can quote ``p``'s speaker be the subject of a cue of gender ``fem``? A verb cue
    shows its subject's gender (قالت الوزارة، وأشار القبي); else a person's name does. A
    plural cue (يؤكدون، وأضافوا) wants several: a group, anonymous sources or a plural cue."""
    if plural:
        return p.cue.plural or p.speaker_type in ("group", "anonymous")
    if p.cue.kind in ("verb", "participle") and not p.cue.plural:
        return p.cue.feminine == fem
    if p.speaker_type == "unknown":
        return False  # وفق أفضل المعايير العالمية: no source to carry on
    if p.speaker_type == "person":
        return _feminine_name(p.speaker_name or "") == fem
    return True


def _feminine_name(name: str) -> bool:
    """A first name ending in ة (folded to ه) is a woman's, but for the masculine names
    that end in ه as written: عبدالله، عطاالله، طه، عبده."""
    first = fold(name.split()[0]) if name.split() else ""
    if first.endswith("الله") or first in ("طه", "عبده", "ابوه"):
        return False
    return first.endswith("ه") or first in ("هوازن", "مريم", "هند", "زينب", "سعاد", "منى", "ليلي", "ريم", "امل", "هدي")
