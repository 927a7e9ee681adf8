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

from spacy.language import Language
from spacy.tokens import Doc

from .lexicon import Lexicon, load_lexicon
from .model import Quote, Speaker
from .speakers_np import NounPhrases
from .textnorm import fold
from .words import WORD_RE, bare

FEMININE_TYPES = {"organization", "group", "agency", "document", "anonymous"}


@Language.factory(
    "isnad_speakers",
    requires=["doc._.isnad_quotes"],
    assigns=["doc._.isnad_speakers"],
    default_config={"config_path": None},
)
def make_speakers(nlp: Language, name: str, config_path: str | None) -> "SpeakerResolver":
    return SpeakerResolver(load_lexicon(config_path))


def speaker_key(name: str) -> str:
    """A corpus-wide key for a name: normalised words without the article or clitics.

    >>> speaker_key("عبد الرحمانوف") == speaker_key("عبدالرحمانوف")
    True
    """
    ws = [bare(w) for w in WORD_RE.findall(fold(name))]
    return "".join(ws) if len(ws) <= 1 else " ".join(ws).replace("عبد ", "عبد")


class SpeakerResolver:
    def __init__(self, lex: Lexicon):
        self.lex = lex
        self.np = NounPhrases(lex)

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.isnad_norm.text
        orig = doc.text
        norm = doc._.isnad_norm
        quotes: list[Quote] = sorted(doc._.isnad_quotes, key=lambda q: q.start)
        doc._.isnad_quotes = quotes
        for q in quotes:
            if q.speaker_start is None:
                q.implicit = True
                continue
            forms = WORD_RE.findall(text[q.speaker_start:q.speaker_end])
            if len(forms) == 1 and forms[0] in self.lex.pronouns:
                q.pronoun = True
                q.implicit = True
                continue
            prefix_lam = forms[0].startswith("ل") and len(forms[0]) > 3 and q.cue.kind == "according"
            if prefix_lam and not forms[0].startswith("لل"):
                # وفقا لبيان تحليلي: the mention starts after the preposition لـ
                q.speaker_start += 1
                forms[0] = forms[0][1:]
            surface = WORD_RE.findall(orig[norm.to_orig(q.speaker_start):norm.to_orig_end(q.speaker_end)])
            if len(surface) != len(forms):
                surface = forms
            if prefix_lam and forms[0].startswith("لل"):
                # وفقا للمرصد السوري: ل fused with the article; the name is المرصد السوري
                forms[0] = "ا" + forms[0][1:]
                surface = ["ا" + surface[0][1:]] + surface[1:]
            q.speaker_type = self.np.classify(forms)
            q.speaker_name = self.np.name_of(forms, surface) if q.speaker_type == "person" else \
                (" ".join(surface) if prefix_lam else orig[norm.to_orig(q.speaker_start):norm.to_orig_end(q.speaker_end)])
        self._resolve(quotes, doc)
        doc._.isnad_speakers = self._cluster(quotes, doc)
        return doc

    def _has_name(self, name: str) -> bool:
        return any(w in self.lex.first_names for w in WORD_RE.findall(fold(name)))

    def _resolve(self, quotes: list[Quote], doc: Doc) -> None:
        for i, q in enumerate(quotes):
            if not q.implicit:
                continue
            fem = q.cue.feminine
            best = None
            mismatch = False
            for k in range(i - 1, -1, -1):
                p = quotes[k]
                if p.speaker_name is None:
                    continue
                if fem and p.speaker_type in ("person", "unknown") and not _feminine_name(p.speaker_name):
                    if best is None:
                        best = k
                        mismatch = True
                    continue
                if not fem and p.speaker_type in ("organization",) and q.cue.kind == "verb" and best is None:
                    best = k
                    continue
                best = k
                break
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
                q.method += "+implicit"
                q.confidence = round(q.confidence * 0.9, 3)

    def _feminine_entity(self, doc: Doc, q: Quote, floor: int) -> str | None:
        """وتخطط «تسلا» … وقالت إنها …: a feminine cue with no fitting earlier speaker
        takes the nearest name in marks or organisation noun (الشركة، الوزارة) before it."""
        text = doc._.isnad_norm.text
        lo = max(floor, q.cue.start - 400)
        best = None
        for m in doc._.isnad_marks or []:
            if m.is_name and lo <= m.open_at < q.cue.start:
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
        norm = doc._.isnad_norm
        return doc.text[norm.to_orig(best[0]):norm.to_orig_end(best[1])]

    def _cluster(self, quotes: list[Quote], doc: Doc) -> list[Speaker]:
        clusters: list[Speaker] = []
        cluster_words: list[set[str]] = []
        for q in quotes:
            if q.speaker_name is None:
                continue
            if q.antecedent is not None and quotes[q.antecedent].speaker_id:
                q.speaker_id = quotes[q.antecedent].speaker_id
                _bump(clusters, q.speaker_id)
                continue
            ws = {bare(w) for w in WORD_RE.findall(fold(q.speaker_name))} - {"", "ال"}
            mention_ws = set()
            if q.speaker_start is not None:
                mention_ws = {bare(w) for w in WORD_RE.findall(doc._.isnad_norm.text[q.speaker_start:q.speaker_end])}
            hit = None
            for ci in range(len(clusters) - 1, -1, -1):
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
                # the fullest personal name becomes the cluster's name
                if sp.type == q.speaker_type == "person" and len(q.speaker_name.split()) > len(sp.name.split()) <= 5:
                    sp.name, sp.key = q.speaker_name, speaker_key(q.speaker_name)
            q.speaker_id = clusters[hit].speaker_id
            clusters[hit].n_quotes += 1
        return clusters


def _bump(clusters: list[Speaker], sid: str) -> None:
    for c in clusters:
        if c.speaker_id == sid:
            c.n_quotes += 1
            return


def _feminine_name(name: str) -> bool:
    first = fold(name.split()[0]) if name.split() else ""
    return first.endswith("ه") or first in ("هوازن", "مريم", "هند", "زينب", "سعاد", "منى", "ليلي", "ريم", "امل", "هدي")
