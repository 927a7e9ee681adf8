"""A person's fullest mention in the document and its title (part of the speakers stage).

A speaker named by surname or short name in the attributions (عبد الرحمانوف) is often named
in full, with a title, somewhere else — also outside attributions (بيان … تلاه وزير خارجية
كازاخستان خيرات عبد الرحمانوف): the cluster then takes that name and title. The surnames of
a document's people are indexed in one pass; a surname's mentions read are bounded.
"""
from __future__ import annotations

from itertools import compress, count

from spacy.tokens import Doc

from .model import Speaker, ext
from .textnorm import fold
from .words import WORD_RE, bare, strip_conj

_READ = {"تلاه", "تلته", "قراه", "قراته", "القاه", "القته"}
# a bound no news article reaches (a surname's few mentions at most in 31k SaudiNewsNet
# articles) that keeps a document of thousands of speakers linear
MAX_NAME_OCCURRENCES = 200  # how many mentions of a surname are read for a person's title


def speaker_key(name: str) -> str:
    """A corpus-wide key for a name: normalised words without the article or clitics.

    >>> speaker_key("عبد الرحمانوف") == speaker_key("عبدالرحمانوف")
    True
    """
    ws = []
    for w in WORD_RE.findall(fold(name)):
        if w.startswith("ال") and len(w) > 3:
            w = w[2:]
        ws.append(w.replace("عبدال", "عبد"))
    # عبد الرحمانوف = عبدالرحمانوف: the compound is one word
    return " ".join(ws).replace("عبد ", "عبد").replace("ابو ", "ابو")


def name_words(sp: Speaker) -> list[str]:
    """The folded words of a speaker's name (its surname last)."""
    return WORD_RE.findall(fold(sp.name))


def word_positions(forms: list[str], wanted: set[str]) -> dict[str, list[int]]:
    """Where each of the ``wanted`` forms occurs (word indices), in one pass over the
    document: a person's fullest mention is looked up by surname, not by a scan of the
    text per speaker.  Only the surnames of the document's people are indexed (a dict
    of every form cost more than the look-ups it served)."""
    out: dict[str, list[int]] = {w: [] for w in wanted}
    for i in compress(count(), map(wanted.__contains__, forms)):
        out[forms[i]].append(i)
    return out


class PersonTitles:
    """The speakers stage's enrichment of person clusters (a mixin: needs ``self.lex``)."""

    def _enrich(self, sp: Speaker, doc: Doc, positions: dict[str, list[int]]) -> None:
        """Find the fullest mention of a person anywhere in the document — also outside
        attributions (بيان … تلاه وزير خارجية كازاخستان خيرات عبد الرحمانوف) — and keep
        its title: name ``خيرات عبد الرحمانوف``, title ``وزير خارجية كازاخستان``."""
        words = doc.user_data["isnad_words"]
        lex = self.lex
        name_forms = name_words(sp)
        if not name_forms:
            return
        surname = name_forms[-1]
        forms = words.forms
        best = None
        for i in positions.get(surname, ())[:MAX_NAME_OCCURRENCES]:
            start = i - len(name_forms) + 1
            if start < 0 or forms[start:i + 1] != name_forms:
                continue
            title_at = None
            k = start - 1
            while k >= 0 and start - k <= 7:
                w = forms[k]
                if any(ch in words.gap(k, k + 1) for ch in "،,.:؛()«»“”\"") or w in lex.boundaries \
                        or w in lex.complementisers or w in lex.cue_forms or strip_conj(w) in lex.cue_forms \
                        or w in _READ:
                    break
                if w in lex.titles or bare(w) in lex.titles:
                    title_at = k
                k -= 1
            if title_at is not None and (best is None or start - title_at > best[1] - best[0]):
                best = (title_at, start, i)
        if best is None:
            return
        t0, n0, n1 = best
        norm = ext(doc, "isnad_norm")
        orig = ext(doc, "isnad_norm").orig

        def span(a: int, b: int) -> str:
            return orig[norm.to_orig(words.starts[a]):norm.to_orig_end(words.ends[b])]

        # one given name before a surname-only cluster name: خيرات [عبد الرحمانوف]
        given_known = name_forms[0] in lex.first_names and name_forms[0] not in ("عبد", "ابو", "ابن")
        given = n0 - 1 if n0 - 1 > t0 and forms[n0 - 1] not in lex.titles and not forms[n0 - 1].startswith("ال") \
            and len(name_forms) <= 2 and not given_known else n0
        full = span(t0, n1)
        if full not in sp.aliases:
            sp.aliases.append(full)
        if given < n0:
            sp.name = span(given, n1)
            sp.key = speaker_key(sp.name)
            if sp.name not in sp.aliases:
                sp.aliases.append(sp.name)
        if given > t0:
            title = span(t0, given - 1)
            if title[:1] in "وف" and strip_conj(forms[t0]) in lex.titles:
                title = title[1:]  # مديرعام … والمتحدث الإعلامي: drop the conjunction
            sp.title = title
