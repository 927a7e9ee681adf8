"""Stage 2: pair quotation marks and tell quoted speech from names in marks.

Handles « », “ ”, „ “, ‹ ›, 〝 〞 and the symmetric stand-ins " ' ” (paired by
position), unclosed quotes (they end at the paragraph end: the founding article's
last quote ``وقال “نتطلع … في عام 2018.`` never closes), quotes re-opened at each
paragraph, and nested marks.  Short marked spans such as ``اجتماع “استانا 8”`` or
``لـ«الشرق الأوسط»`` are names, not speech.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from . import budget
from .lexicon import load_lexicon
from .model import Mark, ext
from .textnorm import fold

OPENERS = {"«": "»", "“": "”", "„": "“", "‹": "›", "〝": "〞"}
SYMMETRIC = {'"', "'", "”", "〃"}
QUOTE_CHARS = re.compile("[«»“”„‹›〝〞\"'〃]")
PARA_RE = re.compile(r"[^\n]+")
WORD = re.compile(r"[^\W_]+")
TERMINAL = set(".؟?!…")
_COMPS = {"ان", "انه", "انها", "انهم", "بان", "بانه", "بانها"}
_CUE_AFTER = re.compile(r"\s*[،,]\s*(?:و|ف)?(?:قال|قالت|اضاف|اضافت|تابع|تابعت|اكد|اكدت|يقول|تقول)\b")
# speech introduced right before a mark: a colon, a cue or a complementiser
_INTRO = re.compile(r"(?::|\b(?:ان|انه|بان|قال|قالت|يقول|تقول|وقال|وقالت|واضاف|واضافت|اضاف|وتابع|قايلا|قايله|مضيفا|مؤكدا)\s*)\s*$")
# A name in marks is a few words (an agency key at most 4); a marked span longer than
# this many characters per allowed word is speech, decided from its head alone, so an
# unclosed mark running to the end of a long paragraph costs no more than a short one
# (قال « … repeated: every open mark would otherwise re-read the rest of the paragraph).
NAME_SCAN_CHARS_PER_WORD = 100


@Language.factory(
    "isnad_quotemarks",
    requires=["doc._.isnad_norm"],
    assigns=["doc._.isnad_marks", "doc._.isnad_paragraphs"],
    default_config={"config_path": None, "max_name_words": 4},
)
def make_quotemarks(nlp: Language, name: str, config_path: str | None, max_name_words: int) -> "QuoteMarks":
    lex = load_lexicon(config_path)
    return QuoteMarks(max_name_words=lex.config.get("quotes", {}).get("max_name_words", max_name_words),
                      agencies={k for a in lex.agencies for k in a.keys},
                      introducers=lex.name_introducers | lex.media_heads | lex.organizations)


class QuoteMarks:
    def __init__(self, max_name_words: int = 4, agencies: set | None = None, introducers: frozenset = frozenset()):
        self.max_name_words = max_name_words
        self.agencies = agencies or set()
        self.introducers = introducers
        self.scan_chars = NAME_SCAN_CHARS_PER_WORD * max(4, max_name_words)

    def __call__(self, doc: Doc) -> Doc:
        text = ext(doc, "isnad_norm").text
        paragraphs = [(m.start(), m.end()) for m in PARA_RE.finditer(text) if m.group().strip()]
        doc._.isnad_paragraphs = paragraphs
        marks: list[Mark] = []
        if QUOTE_CHARS.search(text):
            for ps, pe in paragraphs:
                budget.check()  # the document's time budget (stages/budget.py)
                marks.extend(self._pair(text, ps, pe))
            marks = _merge_reopened(text, marks, paragraphs)
            for m in marks:
                m.is_name = self._is_name(text, m)
        doc._.isnad_marks = marks
        return doc

    def _pair(self, text: str, ps: int, pe: int) -> list[Mark]:
        stack: list[tuple[int, str, str]] = []  # (position, char, expected closer)
        waiting: dict[str, int] = {}  # expected closer -> how many on the stack
        out: list[Mark] = []
        for m in QUOTE_CHARS.finditer(text, ps, pe):
            i, c = m.start(), m.group()
            if c == "'" and not _apostrophe_quote(text, i, stack):
                continue
            if stack and (c == stack[-1][2] or (c in "”“" and stack[-1][2] in "”“" and stack[-1][1] != "„")):
                o, oc, closer = stack.pop()
                waiting[closer] -= 1
                out.append(_mark(text, o, i, oc))
                continue
            # a closer of an outer pair closes the inner unclosed ones too; looked for only
            # when one waits on the stack (16k mismatched «»» would scan it at every mark)
            if c not in SYMMETRIC and waiting.get(c):
                hit = next(k for k in range(len(stack) - 1, -1, -1) if stack[k][2] == c)
                o, oc, _ = stack[hit]
                for _, _, closer in stack[hit:]:
                    waiting[closer] -= 1
                del stack[hit:]
                out.append(_mark(text, o, i, oc))
                continue
            if c in OPENERS:
                stack.append((i, c, OPENERS[c]))
                waiting[OPENERS[c]] = waiting.get(OPENERS[c], 0) + 1
            elif c in SYMMETRIC:
                if _looks_opening(text, i, pe):
                    stack.append((i, c, c))
                    waiting[c] = waiting.get(c, 0) + 1
            # a lone closer (» with no «) is left alone
        # an unclosed quote ends at the paragraph end, trailing spaces left out
        trimmed = ps + len(text[ps:pe].rstrip()) if stack else pe
        for o, oc, _ in stack:
            if oc in SYMMETRIC and oc != "”" and not _looks_opening(text, o, pe):
                continue
            end = max(trimmed, o + 1)
            if end - (o + 1) < 2:
                continue
            out.append(Mark(o, None, o + 1, end, oc))
        out.sort(key=lambda m: m.open_at)
        return out

    def _is_name(self, text: str, m: Mark) -> bool:
        if m.end - m.start > self.scan_chars:
            # more text than any name: speech, unless its head holds no word at all
            return WORD.search(text, m.start, m.start + self.scan_chars) is None
        inner = text[m.start:m.end].strip()
        words = WORD.findall(inner)
        if not words:
            return True
        if tuple(fold(inner).split()) in self.agencies:
            return True
        if len(words) > self.max_name_words:
            return False
        if any(ch in inner for ch in ".؟?!:،,") and len(words) > 2:
            return False
        before = text[max(0, m.open_at - 12):m.open_at]
        after = text[m.close_at + 1:m.close_at + 40] if m.close_at is not None else ""
        after_words = WORD.findall(after)[:2]
        # a marked span followed by a complementiser is a cue's subject: وقالت «إل جي
        # إلكترونيكس» إنها …، وأوردت «قناة العالم» الإيرانية أن …
        # (a second word only behind an adjective: not «نحن مستعدون» وأضاف أن …)
        if after_words and (after_words[0] in _COMPS or len(after_words) > 1 and after_words[1] in _COMPS
                            and fold(after_words[0]).startswith("ال")):
            return True
        # a marked span followed by "، قال X" is speech: “نحن مستعدون للحوار”، قال الرئيس
        if _CUE_AFTER.match(after):
            return False
        # a short marked span right after a colon or a cue is speech (قال: «نعم»), except
        # one or two words after a verb, which are its subject (وأضافت «تسلا» أنها)
        if before.rstrip().endswith(":") or (len(words) > 2 and _INTRO.search(before)):
            return False
        if len(words) == 1:
            return True
        # two to four words: a name after an introducing noun (تنظيم «…»، موقع «…») or a
        # preposition clitic (لـ«…»), otherwise a quoted fragment (الوضع "خطير جدا")
        prev = WORD.findall(text[max(0, m.open_at - 30):m.open_at])
        p = prev[-1] if prev else ""
        if not prev or text[m.open_at - 1:m.open_at] in "ـل" or p in ("ل", "ب"):
            return True
        bare_p = p[2:] if p.startswith("ال") else p
        bare_p = bare_p[1:] if bare_p[:1] in "وبل" and len(bare_p) > 3 else bare_p
        return p in self.introducers or bare_p in self.introducers or ("ال" + bare_p) in self.introducers


def _mark(text: str, o: int, c: int, oc: str) -> Mark:
    return Mark(o, c, o + 1, c, oc)


def _looks_opening(text: str, i: int, pe: int) -> bool:
    """A symmetric mark opens when a letter or digit follows it (after optional space)
    and what precedes it is not a letter: ``قال "نعم"`` vs ``"نعم" قال``."""
    nxt = text[i + 1:i + 2]
    prev = text[i - 1:i] if i else " "
    return bool(nxt) and (nxt.isalnum() or nxt in " ") and not prev.isalnum() or (prev in "ـ" and nxt.isalnum())


def _apostrophe_quote(text: str, i: int, stack) -> bool:
    """' is a quote mark around a word (وافادت 'سانا' انه), not an apostrophe inside one."""
    prev = text[i - 1:i]
    nxt = text[i + 1:i + 2]
    if prev.isalpha() and nxt.isalpha():
        return False
    return True


def _merge_reopened(text: str, marks: list[Mark], paragraphs) -> list[Mark]:
    """A quote left open at a paragraph end continues when the next paragraph opens
    with the same mark (the convention for multi-paragraph quotations)."""
    if not marks:
        return marks
    by_open = {m.open_at: m for m in marks}
    # every look-up below is a bisection or a memo, so that thousands of unclosed marks
    # in one paragraph do not each re-read the next paragraph (or the whole mark list)
    para_starts = [ps for ps, _ in paragraphs]
    opens = [m.open_at for m in marks]  # sorted: marks come paragraph by paragraph, in order
    closes = {m.close_at for m in marks if m.close_at is not None}
    first_at: dict[int, int] = {}  # paragraph -> its first non-space offset
    closer_at: dict[tuple[int, str], int] = {}  # (paragraph, closer) -> text.find(closer, ...)
    chain_end: dict[int, Mark] = {}  # open_at of a re-opening mark -> where its chain ends
    out: list[Mark] = []
    skip = set()
    for m in marks:
        if m.open_at in skip:
            continue
        cur = m
        path: list[int] = []
        while cur.close_at is None:
            if cur.open_at in chain_end:
                cur = chain_end[cur.open_at]
                break
            k = bisect_right(para_starts, cur.open_at) - 1
            if k < 0 or cur.open_at >= paragraphs[k][1] or k + 1 >= len(paragraphs):
                break
            ns, ne = paragraphs[k + 1]
            j = first_at.get(k + 1)
            if j is None:
                j = ns
                while j < len(text) and text[j].isspace():
                    j += 1
                first_at[k + 1] = j
            nxt = by_open.get(j)
            if nxt is None or nxt.char != m.char:
                # the closing mark may come in the next paragraph, with no new opening
                # mark before it: «رغم … المساجد.¶ وبحسب المعلومات … مجهولة».
                closer = OPENERS.get(m.char)
                c = -1
                if closer:
                    c = closer_at.get((k + 1, closer), -2)
                    if c == -2:
                        c = closer_at[(k + 1, closer)] = text.find(closer, ns, ne)
                if c > 0:
                    a = bisect_left(opens, ns)
                    if not (a < len(opens) and opens[a] < c) and c not in closes:
                        cur = Mark(cur.open_at, c, cur.start, c, m.char)
                break
            skip.add(nxt.open_at)
            path.append(nxt.open_at)
            cur = nxt
        for p in path:  # the walk from a re-opening mark does not depend on where it began
            chain_end[p] = cur
        if cur is not m:
            m = Mark(m.open_at, cur.close_at, m.start, cur.end, m.char)
        out.append(m)
    return out
