"""Article credits for the relay stage: which agency a story came through.

A wire credit sits in a story's head or tail, between separators::

    الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس      (a dateline line ending in the agency)
    باريس (أ ف ب) - قال …                                    (in brackets after the place)
    واس- جدة: التقى …  /  رويترز- القاهرة: قالت …            (the agency first, then the place)
    الرياض ـ واس  /  سبق- وكالات:  /  لندن: «الشرق الأوسط» والوكالات
    … (رويترز)  /  المصدر: الجزيرة + وكالات                  (at the end of the story)

A head is read as *fields*: runs of words between separators (- – ـ : / ( ) ، +).
A field that is exactly an agency's name (or ``و`` + the name) credits that agency;
an outlet in a head is the publisher's own dateline (سبق- الرياض، الرياضي ـ جدة) and
credits nothing.  A photo credit (رويترز - أرشيف) credits the picture, not the words.

A credit belongs to the story it heads: a page that holds several stories, each
opening with its own dateline head, gives each story its own credits.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .lexicon import Agency
from .words import Words

# separators between the fields of a head (in the original text: the tatweel ـ is
# removed from the normalised copy)
SEPARATORS = frozenset("-–—ـ:/()|،,+\n")
HEAD_WORDS = 16  # a head is read over at most this many words
LEAD_PARAGRAPHS = 3  # title, byline and dateline lines before the body
SHORT_PARAGRAPH = 15  # words: a paragraph this short is a title, byline or dateline line
TAIL_WORDS = 6  # a tail credit is among the last words of the story


@dataclass
class Story:
    """A story on the page: where it starts (normalised offset) and its credits."""

    start: int
    credits: list[tuple[Agency, int, int]] = field(default_factory=list)


class CreditFinder:
    """Mixin for the relay stage: needs ``self.lex``, ``self.orig`` and ``self.norm``."""

    def _ogap(self, words: Words, a: int, b: int) -> str:
        """The original characters between normalised offsets ``a`` and ``b`` (a gap
        between words; a tatweel used as a dash is seen here)."""
        return self.orig[self.norm.to_orig_end(a) if a else 0:self.norm.to_orig(b)]

    def _fields(self, words: Words, k0: int, pe: int, ps: int) -> list[tuple[int, int, str, str]]:
        """Closed fields of the head that starts at word ``k0`` of a paragraph ending at
        ``pe``: (first word, end word, separator before, separator after). The open run
        of words after the last separator is the body and is not returned."""
        out = []
        n = len(words)
        start = k0
        before = self._ogap(words, ps, words.starts[k0]) if k0 < n else ""
        k = k0
        while k < n and words.starts[k] < pe and k - k0 < HEAD_WORDS:
            last = k + 1 >= n or words.starts[k + 1] >= pe
            after = "\n" if last else self._ogap(words, words.ends[k], words.starts[k + 1])
            if not last and len(words.forms[k]) == 1 and len(words.forms[k + 1]) == 1 and "\n" not in after:
                after = " "  # أ.ف.ب، د. ب. أ: the dots of an abbreviation are no separator
            if last or not SEPARATORS.isdisjoint(after) or "." in after:
                out.append((start, k + 1, before, after))
                # a colon ends the head when the body follows it; in a short line it
                # separates fields (لندن: «الشرق الأوسط» والوكالات)
                colon_ends = ":" in after and words.first_at_or_after(pe) - k > 7
                if last or "." in after or colon_ends or "\n" in after:
                    break
                start, before = k + 1, after
            k += 1
        return out

    def _field_agencies(self, words: Words, i: int, j: int) -> list[tuple[Agency, int, int]] | None:
        """The agencies a field names when it is nothing but names joined by و
        (الشرق الأوسط والوكالات، و ص ف); None when other words are in it."""
        forms = words.forms
        got = []
        k = i
        while k < j:
            hit = self.lex.match_agency(forms, k, credit=True)
            if hit is None and forms[k].startswith("و") and len(forms[k]) > 2:
                tmp = [forms[k][1:], *forms[k + 1:min(j, k + 5)]]
                hit = self.lex.match_agency(tmp, 0, credit=True)
            if hit is None or k + hit[1] > j:
                return None
            got.append((hit[0], words.starts[k], words.ends[k + hit[1] - 1]))
            k += hit[1]
        return got

    def _head_credits(self, words: Words, k0: int, ps: int, pe: int, *, strict: bool) -> tuple[bool, list]:
        """(is a dateline head, agency credits) of the paragraph head at word ``k0``.
        ``strict`` (a paragraph after the lead): the head must look like a dateline —
        a short field, a dash or bracket, and an agency or outlet named in a field."""
        fields = self._fields(words, k0, pe, ps)
        credits: list[tuple[Agency, int, int]] = []
        named = False
        dashed = False
        for n_field, (i, j, before, after) in enumerate(fields):
            gaps = before + after
            if any(ch in gaps for ch in "-–—ـ("):
                dashed = True
            # a credit stands in brackets, after or before a dash, or before the colon
            # of a byline (سبق- وكالات:); not between a bracket and a comma (مجلة (X) الفرنسية،)
            delimited = ("(" in before and ")" in after) or any(ch in gaps for ch in "-–—ـ/+") \
                or (":" in after and n_field > 0) or (":" in before and "\n" in after) or n_field == 0
            if "(" in before and any(w in self.lex.relay_words.get("photo", ()) for w in words.forms[j:j + 3]):
                continue  # (رويترز - أرشيف): a photo credit
            if ")" in after and j < len(words) and words.forms[j] in self.lex.relay_words.get("photo", ()):
                continue
            ags = self._field_agencies(words, i, j) if delimited else None
            if ags:
                named = True
                # a credit follows a dateline (place, date, byline: short fields) and is
                # followed by a dash, colon or line end, or by nothing but a bare place
                # before it (القاهرة (رويترز) قال); not a name in brackets after a
                # subject (وقالت وكالة أنباء الصين الجديدة (شينخوا) إن)
                prior = fields[:n_field]
                short = all(j2 - i2 <= 4 for i2, j2, _, _ in prior)
                # a bare place, or a place and a date (بكين 15 يناير (شينخوا) أعلنت …)
                bare = all((j2 - i2 <= 2 or any(words.forms[x].isdigit() for x in range(i2, j2)))
                           and not any(words.forms[x] in self.lex.cue_forms for x in range(i2, j2))
                           for i2, j2, _, _ in prior)
                ends = any(ch in after for ch in "-–—ـ:\n") or j >= len(words) or words.starts[j] >= pe
                if (i - k0 <= 6 and short and (ends or bare)) or "\n" in after:
                    credits += [c for c in ags if c[0].type == "agency"]
                continue
            if strict and (j - i > 4 or (n_field == 0 and j - i > 3)):
                return False, []
            # a dateline line that ends with the agency: … 2015 م واس
            if ("\n" in after or n_field == len(fields) - 1) and j - i <= 25 and (after.strip() == "" or "\n" in after):
                for t in range(max(i, j - 4), j):
                    hit = self.lex.match_agency(words.forms, t, credit=True)
                    if hit and t + hit[1] == j and hit[0].type == "agency":
                        credits.append((hit[0], words.starts[t], words.ends[j - 1]))
                        named = True
                        break
        if strict:
            return (named and dashed), credits
        return bool(fields), credits

    def _tail_credits(self, words: Words, ps: int, pe: int) -> list[tuple[Agency, int, int]]:
        """… (رويترز) / … - رويترز / المصدر: وكالات at the end of a story."""
        last = words.last_before(pe)
        if last < 0 or words.starts[last] < ps:
            return []
        for i in range(max(words.first_at_or_after(ps), last - TAIL_WORDS + 1), last + 1):
            before = self._ogap(words, words.ends[i - 1] if i else ps, words.starts[i])
            if SEPARATORS.isdisjoint(before) and words.starts[i] != ps:
                continue
            if "(" in before and words.forms[last] in self.lex.relay_words.get("photo", ()):
                return []
            ags = self._field_agencies(words, i, last + 1)
            if ags:
                return [c for c in ags if c[0].type == "agency"]
        return []

    def stories(self, words: Words, paragraphs) -> list[Story]:
        """The stories of a page with their credits, in text order."""
        if not words.forms or not paragraphs:
            return [Story(0)]
        stories = [Story(0)]
        lead = True
        for p, (ps, pe) in enumerate(paragraphs):
            k0 = words.first_at_or_after(ps)
            if k0 >= len(words) or words.starts[k0] >= pe:
                continue
            n_words = words.first_at_or_after(pe) - k0
            if lead and p < LEAD_PARAGRAPHS:
                _, credits = self._head_credits(words, k0, ps, pe, strict=False)
                for c in credits:
                    if all(c[0] is not o[0] for o in stories[-1].credits):
                        stories[-1].credits.append(c)
                if n_words > SHORT_PARAGRAPH:
                    lead = False
                continue
            lead = False
            head, credits = self._head_credits(words, k0, ps, pe, strict=True)
            if head:
                stories.append(Story(ps, credits))
        ps, pe = paragraphs[-1]
        for c in self._tail_credits(words, ps, pe):
            if all(c[0] is not o[0] for o in stories[-1].credits):
                stories[-1].credits.append(c)
        return stories
