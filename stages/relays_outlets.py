"""Outlet names in the text, for the relay stage: an agency the lexicon knows (رويترز،
للشرق الأوسط، بتويتر), or an outlet it does not, named by the words after a media head
(صحيفة ديلي تلغراف، قناة فوكس نيوز، إذاعة الجيش الإسرائيلي، وكالة الأنباء العراقية),
by marks (لـ«X»), by a website (الموقع الرسمي لمكتب العبادي، www.sfda.gov.sa) or by an
anaphor for the last one named (القناة، الصحيفة، الوكالة).

A mixin of :class:`stages.relays.RelayTracer` (it reads the tracer's lexicon, word lists
and per-document text and marks), split out of ``stages/relays.py``.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from .lexicon import Agency, _name_key
from .words import Words, strip_conj

MARKED_NAME = 40  # characters: a name in marks (“الجزيرة مباشر”) is at most this long
# Bounds on the scans that keep the stage linear in a document's length (a frame can run
# to the end of its sentence, and a sentence of thousands of "according to" phrases gave
# every quote a frame of thousands of words). News text stays far inside them: in 31k
# SaudiNewsNet articles a frame's relay lies at most 146 words into it.
MAX_FRAME_WORDS = 300  # words of a frame read for relays and for the medium (في بيان)
MAX_HEAD_RUN = 8  # media heads, fillers and told-to nouns walked over in a row
URL_RE = re.compile(r"(?:https?://|www\.)[^\s،,)»”\"']+|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|gov|edu|info)"
                    r"(?:\.[a-z]{2})?\b")
SITE_WORDS = 6  # a website named after its head word: الموقع الرسمي لمكتب رئيس الوزراء العراقي
OPEN_MARKS = "«»“”\"'„‹›{}"  # writers open with either side of a pair (لـ”عين اليوم”)


class OutletNames:
    """Where the text names an outlet: ``(agency, start, end)`` of the name, or None."""

    def _agency_span(self, words: Words, s: int, e: int) -> tuple[Agency, int, int] | None:
        """The first lexicon agency named between ``s`` and ``e``, with its offsets."""
        k = words.first_at_or_after(s)
        while k < len(words) and words.starts[k] < e:
            hit = self.lex.match_agency(words.forms, k) or self._match_prefixed(words.forms, k)
            if hit and hit[0].ambiguous and not (any(ch in words.gap(k - 1, k) for ch in OPEN_MARKS)
                                                 or (k and words.forms[k - 1] in self.lex.media_heads)):
                hit = None  # المركز الإحصائي لدول الخليج: a place, not the newspaper
            if hit:
                return hit[0], words.starts[k], words.ends[k + hit[1] - 1]
            k += 1
        return None

    def _outlet_span(self, words: Words, s: int, e: int, clitics: str = "ل") -> tuple[Agency, int, int] | None:
        """صحيفة ديلي تلغراف، قناة فوكس نيوز: an outlet missing from the lexicon, named
        by the words after a media head (up to three, stopping at a boundary); with the
        offsets of the name itself."""
        k = words.first_at_or_after(s)
        forms = words.forms
        while k < len(forms) and words.starts[k] < e + 60:
            f = forms[k]
            b = f[1:] if f[:1] in clitics and len(f) > 3 else f
            if f in self.lex.media_heads or b in self.lex.media_heads:
                hit = self.lex.match_agency(forms, k) or self._match_prefixed(forms, k)
                if hit:  # وكالة الصحافة الفرنسية: the head starts a name the lexicon knows
                    return hit[0], words.starts[k], words.ends[k + hit[1] - 1]
                j = k + 1
                while j < len(forms) and j <= k + MAX_HEAD_RUN and (forms[j] in self.fillers
                                                                    or forms[j] in self.lex.media_heads):
                    j += 1
                for t in range(j, min(len(forms), j + 3)):
                    if t > k + 1 and any(ch in words.gap(t - 1, t) for ch in ".،,:؛!?؟\n"):
                        break  # على حساب العرب. الحضارة العربية: not across a sentence or clause
                    hit = self.lex.match_agency(forms, t)
                    if hit and hit[0].ambiguous and t > j:
                        hit = None  # وكالة الإعلام الروسية اليوم: a word, past the name's place
                    if hit:
                        return hit[0], words.starts[t], words.ends[t + hit[1] - 1]
                # a name in marks right after: وكالة الصحافة الفلسطينية «صفا»
                for mk in re.finditer(r"[«“\"]([^»”\"]{2,40})[»”\"]", words.text[words.ends[k]:words.ends[k] + 80]):
                    if len(words.text[words.ends[k]:words.ends[k] + mk.start()].split()) > 3 \
                            or len(mk.group(1).split()) > 4:
                        break  # the marks belong to something said later, not to this head
                    inner = mk.group(1).strip()
                    lo = words.ends[k] + mk.start(1)
                    hi = lo + len(mk.group(1))
                    name = self.orig[self.norm.to_orig(lo):self.norm.to_orig_end(hi)].strip()
                    return Agency(name, "outlet", (_name_key(name),)), lo, hi
                found = None if self.lex.match_agency(forms, j) else self._broadcaster(words, k)
                if found is not None:
                    return found
                if forms[j] in self.news_words:
                    # وكالة الأنباء العراقية، وكالة أنباء الشرق: a national agency named by its
                    # adjective; the head is part of the name
                    end = j + 1
                    while end < len(forms) and end < j + 3 and not self._punct_between(words, end - 1, end, [1]) \
                            and (forms[end].endswith(("يه", "ي")) or forms[end] in self.fillers
                                 or (forms[end] == forms[j + 1] if end == j + 1 else False)):
                        end += 1
                    if end > j + 1:
                        s0, e0 = words.starts[k] + (1 if f != b else 0), words.ends[end - 1]
                        name = " ".join(self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)].split())
                        return Agency(name, "agency", (_name_key(name),)), s0, e0
                if f in self.account_heads or b in self.account_heads:
                    return None  # حساب الاتحاد الكويتي: the account's owner, not an outlet
                out = []
                while j < len(forms) and len(out) < 3 and forms[j] not in self.lex.boundaries \
                        and forms[j] not in self.lex.complementisers and forms[j] not in self.lex.cue_forms \
                        and not self._punct_between(words, j - 1, j, out):
                    if out and forms[j].startswith("ال") and forms[j].endswith(("يه", "ي")):
                        break  # بيلد الالمانية: a nationality adjective, not part of the name
                    if out and forms[j][:1].isascii() != forms[j - 1][:1].isascii():
                        break  # إذاعة mix fm بخطأه: the name ends where the script changes
                    out.append(self.orig[self.norm.to_orig(words.starts[j]):self.norm.to_orig_end(words.ends[j])])
                    j += 1
                if out:
                    one = forms[j - 1] if len(out) == 1 else ""
                    if one and (one.endswith(("يه", "ي")) or one in self.fillers or one in self.lex.boundaries
                                or (one.startswith("ال") and strip_conj(b) not in self.paper_heads)):
                        # حسابه الشخصي، وكالة الفضاء، موقع الاحتفال: a description, not a name;
                        # after صحيفة/جريدة/مجلة one word is the paper's name (صحيفة القبس)
                        return None
                    return Agency(" ".join(out), "outlet", (_name_key(" ".join(out)),)), \
                        words.starts[j - len(out)], words.ends[j - 1]
                return None
            k += 1
        return None

    @staticmethod
    def _punct_between(words: Words, i: int, j: int, taken: list) -> bool:
        gap = words.gap(i, j)
        if not taken:
            return any(ch in gap for ch in "،,.:؛()«“")  # a name in marks is read as a whole, above
        return any(ch in gap for ch in "،,.:؛()«»“”\"")

    def _website(self, words: Words, k: int) -> tuple[Agency, int, int] | None:
        """A website named after ``موقع`` (word ``k``): a platform or outlet on it (موقع
        فيسبوك، موقع «سيريا ديبلي»), its address (موقعها الإلكتروني: www.sfda.gov.sa),
        or the site of a named body (الموقع الرسمي لمكتب العبادي، موقع وزارة العدل)."""
        forms = words.forms
        j = k + 1
        while j < len(forms) and j <= k + 3 and (forms[j] in self.fillers or forms[j] in self.frame_skip):
            j += 1
        for t in range(j, min(len(forms), j + 3)):
            hit = self.lex.match_agency(forms, t) or (self._match_prefixed(forms, t) if forms[t][:1] == "ل" else None)
            if hit and not hit[0].ambiguous:  # موقع الاتحاد الدولي: the federation's site
                return self._outlet_span(words, words.starts[k], words.ends[k]) if forms[t][:1] == "ل" and \
                    hit[0].type == "outlet" else (hit[0], words.starts[t], words.ends[t + hit[1] - 1])
        tail = words.ends[j - 1]
        m = URL_RE.search(words.text, tail, min(len(words.text), tail + 60))
        if m and not any(ch.isalpha() and not ch.isascii() for ch in words.text[tail:m.start()]):
            url = m.group().rstrip(".")
            return Agency(url, "platform", (_name_key(url),)), m.start(), m.start() + len(url)
        gap = words.gap(k, k + 1) if k + 1 < len(forms) else ""
        if any(ch in gap for ch in OPEN_MARKS):
            found = self._outlet_span(words, words.starts[k], words.ends[k])
            if found is not None:
                return found
        head = strip_conj(forms[k])
        lead = ""
        if head.startswith("لل") and "ال" + head[2:] in self.site_heads:
            head, lead = "ال" + head[2:], "ال"  # للموقع = ل + الموقع: the alef is not written
        head = head[1:] if head[:1] in "لب" and head[1:] in self.site_heads else head
        if head.startswith("موقع") and head != "موقع":
            return None  # موقعها الإلكتروني، موقعه على شبكة الإنترنت: named only by an address
        if head.startswith("ال") and (j >= len(forms) or not forms[j].startswith("ل")):
            return None  # الموقع الرسمي لمكتب العبادي: the site of a body, not any words after it
        end = j
        while end < len(forms) and end < j + SITE_WORDS and forms[end] not in self.lex.boundaries \
                and forms[end] not in self.lex.complementisers and forms[end] not in self.lex.cue_forms \
                and not any(ch in words.gap(end - 1, end) for ch in "،,.:؛()«»“”\"\n"):
            end += 1
        if end == j:
            return None  # موقعها الإلكتروني: no site named
        s0 = words.starts[k] + (len(forms[k]) - len(head))  # بموقع، لموقع: without the clitic
        e0 = words.ends[end - 1]
        m = re.match(r"\s*\(([^()\n]{2,30})\)", words.text[e0:e0 + 34])
        if m and len(m.group(1).split()) <= 3:
            e0 += m.end()  # موقع السوق المالية (تداول): the site's own name in brackets
        name = self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)]
        if lead:
            name = lead + name[2:]  # the sources row keeps للموقع (as للشرق الأوسط)
        return Agency(name, "platform", (_name_key(name),)), s0, e0

    def _broadcaster(self, words: Words, k: int) -> tuple[Agency, int, int] | None:
        """إذاعة الجيش الإسرائيلي، للقناة التلفزيونية الإسرائيلية العاشرة، لراديو إسرائيل: a
        broadcaster is named with its head word and what describes it (up to four words:
        a noun after an indefinite head, then adjectives and ordinals)."""
        forms = words.forms
        f = forms[k]
        s0, lead = words.starts[k], ""
        if f.startswith("لل") and "ال" + f[2:] in self.broadcast_heads:
            h, lead = "ال" + f[2:], "ال"  # للقناة = ل + القناة: the alef is not written
        elif f[:1] in "لب" and f[1:] in self.broadcast_heads:
            h, s0 = f[1:], s0 + 1
        else:
            h = f
        if h not in self.broadcast_heads:
            return None
        j = k + 1
        if not h.startswith("ال") and j < len(forms) and not self._punct_between(words, k, j, [1]) \
                and forms[j] not in self.lex.complementisers and forms[j] not in self.lex.boundaries:
            j += 1  # راديو إسرائيل، إذاعة الجيش
            while j < len(forms) and j < k + 4 and forms[j].isascii() and forms[j - 1].isascii() \
                    and not self._punct_between(words, j - 1, j, [1]):
                j += 1  # إذاعة MBC FM
        while j < len(forms) and j < k + 5 and not self._punct_between(words, j - 1, j, [1]) and (
                (forms[j].startswith("ال") and forms[j].endswith(("يه", "ي"))) or forms[j] in self.ordinals):
            j += 1
        if j == k + 1:
            return None  # التلفزيون alone: an outlet referred back to, not named
        e0 = words.ends[j - 1]
        name = " ".join(self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)].split())
        if lead:
            name = lead + name[2:]
        return Agency(name, "outlet", (_name_key(name),)), s0, e0

    def _marked_name(self, words: Words, k: int) -> tuple[Agency, int, int] | None:
        """The name in marks that starts at word ``k`` (at most four words)."""
        i = bisect_right(self.mark_starts, words.starts[k]) - 1
        m = self.marks[i] if i >= 0 else None
        if m is None or not (m.start <= words.starts[k] < m.end) or words.text[m.start:words.starts[k]].strip():
            # ل"دنيا الرياضة": a " glued to the preposition opens no quote for the marks
            # stage (a letter before it); the pair is read here, on its line
            text = words.text
            o = words.starts[k] - 1
            if o < 0 or text[o] != '"' or (o and text[o - 1] != "ل"):
                return None
            c = text.find('"', o + 1, o + 1 + MARKED_NAME)
            if c < 0 or "\n" in text[o:c]:
                return None
            lo, hi = o + 1, c
        else:
            lo, hi = m.start, m.end
        inner = words.text[lo:hi].strip()
        if not inner or len(inner.split()) > 4:
            return None
        s0 = lo + (len(words.text[lo:hi]) - len(words.text[lo:hi].lstrip()))
        e0 = s0 + len(inner)
        name = " ".join(self.orig[self.norm.to_orig(s0):self.norm.to_orig_end(e0)].split())
        return Agency(name, "outlet", (_name_key(name),)), s0, e0

    def _last_outlet(self, words: Words, before: int, head: str):
        """The last outlet named before ``before`` under the media head that ``head``
        (القناة، الصحيفة، الوكالة) stands for (an agency named alone counts for الوكالة);
        one pass over the document, done once, then a bisection per look-up."""
        if self._outlets is None:
            self._outlets = {}
            forms = words.forms
            heads = self.lex.media_heads
            for k, f in enumerate(forms):
                b = f[1:] if f[:1] in "لب" and f[1:] in heads else f
                found, h = None, ""
                if b in heads and not b.startswith("ال"):  # قناة X، لصحيفة X
                    found, h = self._outlet_span(words, words.starts[k], words.ends[k]), "ال" + b
                elif (k == 0 or forms[k - 1] not in heads) and f in self.lex.agency_index:
                    hit = self.lex.match_agency(forms, k)  # ذكرت رويترز … ونقلت الوكالة عن
                    if hit and hit[0].type == "agency":
                        found, h = (hit[0], words.starts[k], words.ends[k + hit[1] - 1]), "الوكاله"
                if found is not None:
                    pos, got = self._outlets.setdefault(h, ([], []))
                    pos.append(words.starts[k])
                    got.append(found)
        pos, got = self._outlets.get(head, ((), ()))
        i = bisect_right(pos, before - 1) - 1
        return got[i] if i >= 0 else None

    def _match_prefixed(self, forms, k):
        """لرويترز، للشرق الأوسط، بتويتر: an agency name behind the preposition لـ or بـ."""
        f = forms[k]
        if f[:1] not in "لب" or len(f) < 3:
            return None
        tmp = list(forms[k:k + 4])
        tmp[0] = f[1:]
        hit = self.lex.match_agency(tmp, 0)
        if hit is None and f.startswith("لل"):
            tmp[0] = "ا" + f[1:]
            hit = self.lex.match_agency(tmp, 0)
        if hit is not None and f[0] == "ب" and hit[0].type != "platform":
            return None  # بالعربية is "in Arabic"
        return hit
