"""Relays named in a quote's frame, for the relay stage: the outlet spoken to (قال X
لـ«الشرق الأوسط»، في تصريح لقناة X، متحدثا إلى X، أبلغ «X»، في اتصال هاتفي مع X), the
channel of an according phrase (بحسب ما نقلت X), the medium posted on (عبر حسابه في تويتر،
في البيان الذي نشرته «X»), the outlet anonymous sources spoke to (مصادر «الجزيرة»), and
a told-to or medium phrase fronted before the cue (وفي تصريح لـ«X»، قال …).

A mixin of :class:`stages.relays.RelayTracer` (it reads the tracer's lexicon and word
lists, and finds names with :class:`stages.relays_outlets.OutletNames`), split out of
``stages/relays.py``.
"""
from __future__ import annotations

from bisect import bisect_right

from .model import Quote
from .relays_outlets import MAX_FRAME_WORDS, MAX_HEAD_RUN, OPEN_MARKS
from .textnorm import fold
from .words import Words, strip_conj

MEDIUM = {"بيان", "تقرير", "مؤتمر", "موتمر", "تغريده", "تغريدات", "كلمه", "خطاب", "مقابله", "حديث", "تصريح",
          "تصريحات", "تدوينه", "منشور", "رساله", "مداخله", "لقاء", "حوار", "اتصال", "ندوه", "جلسه"}
FRONTED_WORDS = 12  # a fronted phrase (وفي تصريح لـ«X»، قال …) is looked for this far before the cue


class FrameRelays:
    """The relays a quote's frame names: ``(agency, start, end, relation)``."""

    def _fronted_start(self, words: Words, q: Quote, ends: list[int]) -> int | None:
        """وفي تصريح لـ«الشرق الأوسط»، قال X / وفي بيان نشر على موقع «فيسبوك»، حدد X: a
        told-to or medium phrase fronted before the cue belongs to the frame; so does the
        verb that ascribes a verbal noun's words (نسبت/نقلت وكالة X إلى/عن Y قوله). Looked
        for over a few words back from the cue, not across a sentence end or another quote."""
        forms = words.forms
        c = words.first_at_or_after(q.cue.start)
        i = bisect_right(ends, q.cue.start) - 1
        floor = ends[i] if i >= 0 else 0
        for t in range(c - 1, max(-1, c - 1 - FRONTED_WORDS), -1):
            if words.ends[t] <= floor or any(ch in words.gap(t, t + 1) for ch in ".!?؟:\n"):
                return None
            f = strip_conj(forms[t])
            if q.cue.kind == "noun" and f in self.ascribing:
                return words.starts[t]  # ونسبت وكالة الصحافة الفرنسية إلى وزير قوله إن
            if f in ("في", "عبر", "خلال", "علي") and self._platform_after(words, t, c) and any(
                    strip_conj(forms[x]) in self.posting or strip_conj(forms[x]) in self.report_verbs
                    or forms[x] in self.lex.cue_forms for x in range(max(0, t - 3), t)):
                # وغرد الوزير على تويتر قائلا / وكتب جنبلاط عبر «تويتر» أمس يشكو: the platform a
                # verb of writing or saying put the words on (not التعريف بالاحتفال عبر تويتر)
                return words.starts[t]
            if forms[t] in self.lex.complementisers or forms[t] in self.lex.cue_forms:
                return None  # وصرح السفير … بأن الرئيس رحب: inside another statement
            if q.cue.kind == "participle" and f in self.told_heads and t + 1 < c and (
                    forms[t + 1][:1] == "ل" or forms[t + 1] in ("الي", "مع")):
                return words.starts[t]  # واختتم حديثه لـ"سبق" قائلا: the talk the participle goes on
            if q.cue.kind == "participle" and t + 1 < c and forms[t][:1] == "ل" and (
                    forms[t] == "ل" or forms[t][1:] in self.lex.media_heads or self._match_prefixed(forms, t)):
                return words.starts[t]  # وتحدث المدرب لـ«الرياضية» قائلا / لخص طروحاته لمجلة X قائلا
            # وردا على سؤال وكالة فرانس برس، قال X: the outlet that asked was answered
            answer = f == "علي" and t > 0 and strip_conj(forms[t - 1]) == "ردا"
            if (f in ("في", "عبر", "خلال") or answer) and t + 1 < c and (
                    forms[t + 1] in self.fronted or forms[t + 1] in self.told_heads or forms[t + 1] in MEDIUM):
                h = t - 1 if answer else t
                gap = words.gap(h - 1, h) if h else "\n"
                if h == 0 or any(ch in gap for ch in ".!?؟:،,\n") or forms[h].startswith("و"):
                    return words.starts[h]
        return None

    def _platform_after(self, words: Words, t: int, c: int) -> bool:
        """Is a social platform named in the few words after the preposition at word ``t``
        and before the cue at ``c`` (على تويتر، عبر حسابه بتويتر، في حسابه على «فيسبوك»)?"""
        forms = words.forms
        for j in range(t + 1, min(c, t + 6)):
            if any(ch in words.gap(j - 1, j) for ch in ".!?؟:\n") or forms[j] in self.lex.complementisers:
                return False
            hit = self.lex.match_agency(forms, j) or self._match_prefixed(forms, j)
            if hit is not None:
                return hit[0].type == "platform" and not hit[0].ambiguous
        return False

    def frame_relays(self, words: Words, q: Quote, ends: list[int]):
        """Relays named in the quote's frame: لـ«X»، لصحيفة X، في حديث لقناة X، عبر
        تويتر، حسبما نقل عنه التلفزيون الرسمي، مصادر «X». The speaker mention itself is
        skipped, except for the outlet its sources spoke to."""
        s, e = q.frame_start, q.frame_end
        if e <= s:
            return []
        fronted = self._fronted_start(words, q, ends)
        if fronted is not None and fronted < s:
            s = fronted
        forms = words.forms
        k = words.first_at_or_after(s)
        first_k = k
        out = list(self._source_outlet(words, q))
        sp_s, sp_e = q.speaker_start, q.speaker_end
        according = q.cue.kind == "according"
        told_obj = fold(q.cue.lemma) in self.told_lemmas
        if sp_s is not None and not according:
            # وقال شالوم [للقناة التلفزيونية …]: a mention that ran on over the outlet spoken to
            j = words.first_at_or_after(sp_s)
            f = forms[j] if j < len(forms) else ""
            if not (f[:2] == "لل" and (self._match_prefixed(forms, j) or "ال" + f[2:] in self.broadcast_heads)):
                j += 1  # وقال [للجزيرة نت] إن: a mention that is the outlet spoken to names no speaker
            while j < len(forms) and words.starts[j] < sp_e:
                f = forms[j]
                if f[:1] == "ل" and (f[1:] in self.lex.media_heads or "ال" + f[2:] in self.broadcast_heads
                                     or "ال" + f[2:] in self.anaphora or "ال" + f[2:] in self.site_heads
                                     or self._match_prefixed(forms, j)):
                    sp_e = words.starts[j]  # … المدير الفني لارسنال [للموقع الرسمي للنادي]
                    break
                if told_obj and f in self.lex.media_heads and not f.startswith("ال"):
                    sp_e = words.starts[j]  # أبلغ مسؤول حكومي [وكالة أنباء "رويترز"]: the one told
                    break
                j += 1
        if sp_s is not None and not according:
            j = words.first_at_or_after(sp_s)
            hit = self.lex.match_agency(forms, j) if told_obj else None
            if hit is not None and j + hit[1] < len(forms) and words.starts[j + hit[1]] < sp_e \
                    and any(ch in words.gap(j - 1, j) for ch in OPEN_MARKS):
                sp_s = words.starts[j + hit[1]]  # وأفاد «عكاظ» مصدر مطلع بأن: the outlet told comes first
            j = words.first_at_or_after(sp_s) + 1
            while j + 1 < len(forms) and words.starts[j + 1] < sp_e:
                if strip_conj(forms[j]) in self.published and (
                        self.lex.match_agency(forms, j + 1) or forms[j + 1] in self.lex.media_heads):
                    sp_e = words.starts[j]  # وذكر بيان [نشرته وكالة الأنباء السعودية]: the outlet that carried it
                    break
                j += 1
        # وقالت وكالة أنباء الصين الجديدة (شينخوا): the speaker's own name is no relay of it
        own = set()
        if sp_s is not None and not according:
            j = words.first_at_or_after(sp_s)
            while j < len(forms) and words.starts[j] < sp_e:
                hit = self.lex.match_agency(forms, j)
                if hit:
                    own.add(hit[0].name)
                j += 1
        # أبلغ الوزير «الشرق الأوسط» أن: the marked or headed outlet after the cue was told
        last_k = first_k + MAX_FRAME_WORDS
        while k < len(forms) and words.starts[k] < e and k < last_k:
            in_speaker = sp_s is not None and sp_s <= words.starts[k] < sp_e
            # وقال المحلل [للصحيفة]: a mention that ran on over the outlet spoken to
            if in_speaker and not according and not (words.ends[k] == sp_e and forms[k].startswith("لل")):
                k += 1
                continue
            f = forms[k]
            prev = forms[k - 1] if k else ""
            # the word before, skipping media heads and told-to nouns (في حديث لقناة X)
            t = k - 1
            while t >= max(0, k - MAX_HEAD_RUN) and (forms[t] in self.lex.media_heads or strip_conj(forms[t]) in
                                                     self.told_heads or forms[t] in self.frame_skip):
                t -= 1
            trig = forms[t] if t >= 0 else ""
            trig0 = strip_conj(trig)
            # متحدثا إلى «X» / في حديثه إلى X: the outlet spoken to
            to_told = trig == "الي" and t > 0 and (strip_conj(forms[t - 1]) in self.told_heads
                                                 or strip_conj(forms[t - 1]) in self.talk_verbs)
            gate = (trig in self.triggers or prev in self.triggers or trig0 in self.triggers
                    or to_told or told_obj or (according and in_speaker) or k == first_k)
            hit = self.lex.match_agency(forms, k) if gate else None
            if hit is None and len(f) > 2 and f[0] in "لب":
                hit = self._match_prefixed(forms, k)
            if hit is None and not in_speaker and prev == "الاجتماعي":
                # بشبكة التواصل الاجتماعي (تويتر): the platform a network's description names
                # (not نائب رئيس شركة «فيسبوك»)
                hit = self.lex.match_agency(forms, k)
                if hit is not None and (hit[0].type != "platform" or hit[0].ambiguous):
                    hit = None
            if hit is None and (gate or f[:1] == "ل") and not in_speaker:
                # لراديو إسرائيل، للقناة التلفزيونية الإسرائيلية العاشرة، نقلا عن إذاعة الجيش الإسرائيلي
                found = None if k + 1 < len(forms) and self.lex.match_agency(forms, k + 1) else \
                    self._broadcaster(words, k)
                if found is not None:
                    out.append((*found, "told_to" if f[:1] == "ل" else "reported_by"))
                    k = max(k + 1, words.first_at_or_after(found[2]))
                    continue
            ana = "ال" + f[2:] if f.startswith("لل") else strip_conj(f)
            last_of_speaker = in_speaker and words.ends[k] == sp_e
            if hit is None and ana in self.anaphora and (
                    (trig0 in self.report_verbs and k == t + 1 and not in_speaker)
                    or (f.startswith("لل") and (not in_speaker or last_of_speaker))):
                # ونقلت الصحيفة عن الوزير قوله / وقال المحلل للصحيفة: the outlet named before
                found = self._last_outlet(words, words.starts[k], ana)
                if found is not None:  # the sources row points where the outlet was named
                    out.append((*found, "told_to" if f.startswith("لل") else "reported_by"))
                    k += 1
                    continue
            site = f in self.site_heads or (f.startswith("لل") and "ال" + f[2:] in self.site_heads)
            if site and (trig0 == "عبر" or f.startswith("ل") or any(
                    strip_conj(forms[j]) in self.published for j in range(max(0, t - 3), t))) and (
                    hit is None or hit[0].ambiguous):
                # في بيان نشر على الموقع الرسمي لمكتب العبادي: the website the words were posted on
                found = self._website(words, k)
                if found is not None:
                    ag, s0, e0 = found
                    out.append((ag, s0, e0, "told_to" if f.startswith("ل") else "reported_by"))
                    k = max(k + 1, words.first_at_or_after(e0))
                    continue
            # خلال لقائه بقناة «العربية»، في اتصال بإذاعة X: بـ after a talk noun is "with"
            with_b = f[:1] == "ب" and f[1:] in self.lex.media_heads and strip_conj(prev) in self.told_heads
            if hit is None and (f in self.lex.media_heads or (f.startswith("ل") and f[1:] in self.lex.media_heads)
                                or with_b) \
                    and (trig in self.triggers or trig0 in self.triggers or f.startswith("ل") or according
                         or to_told or told_obj or k == first_k or with_b):
                found = self._outlet_span(words, words.starts[k], words.ends[k], "لب" if with_b else "ل")
                if found is not None:
                    ag, s0, e0 = found
                    told = f.startswith("ل") or to_told or told_obj or trig0 == "مع"
                    if not (according and in_speaker and not self._relayed_source(words, t, k, sp_e)):
                        out.append((ag, s0, e0, "told_to" if told else "reported_by"))
                    k = max(k + 1, words.first_at_or_after(e0))
                    continue
            if hit is None and ((trig0 in self.published and k == t + 1) or (prev == "ل" and self._told_li(words, q, k - 1))):
                # في البيان الذي نشرته «ستار تريبيون» / قال لـ«الخليج»: a name in marks after a
                # verb of publishing, or after a standalone لـ (the outlet spoken to)
                found = self._marked_name(words, k)
                if found is not None:
                    out.append((*found, "told_to" if prev == "ل" else "reported_by"))
                    k = max(k + 1, words.first_at_or_after(found[2]))
                    continue
            if hit and hit[0].name in own:
                k += hit[1]
                continue
            if hit:
                ag, n = hit
                if according and in_speaker and not self._relayed_source(words, t, k, sp_e):
                    # بحسب قناة "العربية" / وحسب معلومات "الوطن" / حسبما ذكرت صحيفة «هندوستان
                    # تايمز»: the outlet is the speaker (the article's, no relay)
                    k += n
                    continue
                gap_before = words.text[words.ends[k - 1]:words.starts[k]] if k else ""
                marked = any(ch in gap_before for ch in OPEN_MARKS)
                headed = t < k - 1 or f in self.lex.media_heads  # صحيفة / قناة / حديث before the name
                if headed and ag.ambiguous and forms[k - 1] in self.account_heads:
                    headed = False  # حساب الاتحاد الكويتي: the federation's account, not the newspaper
                # لـ«X» / لرويترز / في اتصال هاتفي مع "الوطن" / أبلغ «X»: the outlet was spoken to
                told = (prev == "ل" or f.startswith("ل") or trig.startswith("ل") or trig0 == "مع" or prev == "مع"
                        or to_told or (told_obj and (marked or headed or ag.type != "outlet" or f in self.lex.media_heads)))
                # an outlet named like a city or a word (الرياض، المدينة، الوطن، اليوم) is a
                # relay only when marked, headed or told to: وقال في الرياض is a place
                if ag.type == "outlet" and not (marked or headed or told or (according and in_speaker)
                                                 or trig0 in self.report_verbs or trig0 in ("عنه", "عنها")):
                    k += 1
                    continue
                # a standalone لـ (لـ الوطن، لـ(الوطن)) or a talk frame (في اتصال هاتفي مع المدينة)
                # names the outlet; للحياة، للشرق الأوسط، وقال في الرياض are a word or a place
                talk = told and any(strip_conj(forms[j]) in self.told_heads for j in range(max(0, k - 4), k))
                # قال مسؤول للجزيرة إن: a prefixed name right after the cue or the speaker
                said_to = ag.told_unmarked and f.startswith("ل") and not according and self._told_li(words, q, k)
                if ag.ambiguous and not (marked or headed or prev == "ل" or talk or said_to):
                    k += 1
                    continue
                rel = "told_to" if told else "reported_by"
                out.append((ag, words.starts[k], words.ends[k + n - 1], rel))
                k += n
                continue
            k += 1
        return out

    def _told_li(self, words: Words, q: Quote, i: int) -> bool:
        """Is the standalone لـ at word ``i`` "to" (قال الوزير لـ«X»، في تصريح لـ«X»), not
        "of" after a title (المدير العام لـ«أياتا»)? It follows the cue, the speaker
        mention or a talk noun."""
        if i == 0:
            return True
        b = words.forms[i - 1]
        return (words.ends[i - 1] == q.speaker_end or words.ends[i - 1] == q.cue.end
                or strip_conj(b) in self.lex.cue_forms or b in self.lex.cue_forms
                or strip_conj(b) in self.told_heads or b in self.frame_skip)

    def _relayed_source(self, words: Words, t: int, k: int, sp_e: int) -> bool:
        """In an according phrase, is the outlet at word ``k`` the channel of another source
        (بحسب ما نقلت وكالة رويترز عن مسؤولين، حسبما نقلت عنه صحيفة X) rather than the
        speaker itself (حسبما ذكرت صحيفة «هندوستان تايمز»: the outlet speaks, no relay)?"""
        forms = words.forms
        if not self._reported(forms, t, k):
            return False
        if any(strip_conj(forms[j]) in ("عنه", "عنها", "عنهم") for j in range(max(0, k - 3), k)):
            return True
        j = k + 1
        while j < len(forms) and words.starts[j] < sp_e + 40 and j <= k + 6:
            if forms[j] == "عن":
                return True
            if any(ch in words.gap(j - 1, j) for ch in ".،,:؛\n"):
                return False
            j += 1
        return False

    def _reported(self, forms: list[str], t: int, k: int) -> bool:
        """بحسب ما نقلت وكالة رويترز، وفقا لما ذكرته “المدينة”: a verb of reporting before
        the outlet makes it the channel (relay), not the speaker."""
        for j in range(max(0, min(t, k - 1) - 1), k):
            if strip_conj(forms[j]) in self.report_verbs:
                return True
            if forms[j].startswith(("حسبما", "بحسبما", "وفقما")) and len(forms[j]) > 5:
                return True
        return False

    def _source_outlet(self, words: Words, q: Quote):
        """مصادر «الجزيرة»، مصدر لـ«عكاظ»، مصادر القناة: anonymous sources named by the
        outlet they spoke to; ``القناة``/``الصحيفة`` refer to the last outlet named before."""
        if q.speaker_start is None or q.cue.kind == "according":
            return
        forms = words.forms
        i = words.first_at_or_after(q.speaker_start)
        if i >= len(forms) or strip_conj(forms[i]) not in self.source_heads:
            return
        j = i + 1
        while j < len(forms) and words.starts[j] < q.speaker_end and j <= i + 3:
            f = forms[j]
            hit = self.lex.match_agency(forms, j) or (self._match_prefixed(forms, j) if f.startswith("ل") else None)
            if hit:
                gap = words.gap(j - 1, j)
                if any(ch in gap for ch in OPEN_MARKS) or forms[j - 1] in self.lex.media_heads or (
                        not hit[0].ambiguous and (hit[0].type != "outlet" or f.startswith("ل"))):
                    yield hit[0], words.starts[j], words.ends[j + hit[1] - 1], "told_to"
                return
            if f in self.anaphora:
                found = self._last_outlet(words, words.starts[i], f)
                if found is not None:
                    yield (*found, "told_to")
                return
            if f in self.lex.media_heads:
                found = self._outlet_span(words, words.starts[j], words.ends[j])
                if found is not None:
                    yield (*found, "told_to")
                return
            j += 1
