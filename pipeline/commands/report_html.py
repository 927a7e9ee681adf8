"""What the report puts into HTML from the data: the highlighted article text, links
and the quotes' JSON (split out of report.py).  The text and the JSON are escaped here,
titles, names and urls by the template's autoescaping: nothing from the input is ever
markup (tests/test_report_safety.py)."""
from __future__ import annotations

import json
import re
from collections import defaultdict

LAYER_ORDER = {"q": 0, "spk": 1, "cue": 2}


_LINK = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f<>\"']+", re.I)


def json_in_html(value) -> str:
    """``value`` as JSON to put inside ``<script type="application/json">``, with every
    ``<`` written ``\\u003c``: escaping ``</`` alone left ``<!--<script>`` (a doc_id, a
    speaker mention), which sends the HTML parser into its "double escaped" script state,
    where the block's own ``</script>`` no longer ends it: the page lost its data and
    its search."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def safe_link(url: str | None) -> str | None:
    """``url`` when it may be a link: http(s) only.  A ``javascript:``, ``data:`` or
    any other scheme (or a URL with spaces or control characters, which browsers strip
    before reading the scheme: ``java\tscript:``) is shown as text, never linked."""
    if not url:
        return None
    return url if _LINK.fullmatch(url) else None


def highlight(text: str, quotes: list) -> str:
    """The text as HTML with quotes, cues and speaker mentions as properly nested
    elements (``quotes``: :class:`pipeline.commands.report.QuoteView`). Spans that cross one another are split into fragments (each carries the
    same ``data-quote-id``; the first one also the anchor ``id``)."""
    from markupsafe import escape

    spans = []  # (start, end, layer, quote)
    for q in quotes:
        spans.append((q.start, q.end, "q", q))
        if q.cue_start is not None and q.cue_end is not None and q.cue_end > q.cue_start:
            spans.append((q.cue_start, q.cue_end, "cue", q))
        if q.speaker_start is not None and q.speaker_end is not None and q.speaker_end > q.speaker_start:
            spans.append((q.speaker_start, q.speaker_end, "spk", q))
    spans = [s for s in spans if 0 <= s[0] < s[1] <= len(text)]
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    opened: set[tuple] = set()
    out: list[str] = []
    stack: list[tuple] = []

    def open_tag(sp) -> str:
        s, e, layer, q = sp
        first = (layer, q.quote_id) not in opened
        opened.add((layer, q.quote_id))
        qid = escape(q.quote_id)
        if layer == "q":
            anchor = f' id="q-{qid}" data-first="1"' if first else ""
            return (f'<mark class="q q-{escape(q.kind)}" data-quote-id="{qid}" data-kind="{escape(q.kind)}" '
                    f'data-speaker="{escape(q.who)}" data-speaker-type="{escape(q.speaker_type)}" '
                    f'tabindex="0" title="{escape(q.tooltip())}"{anchor}>'
                    + (f'<sup class="qn">{q.number}</sup>' if first else ""))
        cls = "cue" if layer == "cue" else "spk"
        return f'<span class="{cls}" data-quote-id="{qid}">'

    def close_tag(sp) -> str:
        return "</mark>" if sp[2] == "q" else "</span>"

    # a sweep over the cuts: the spans alive between two cuts change only at a cut (every
    # start and end is one), so each is added and removed once; testing every span at
    # every cut was quadratic (3,000 quotes in one article: 5 s of CPU for the report)
    starts: dict[int, list] = defaultdict(list)
    ends: dict[int, list] = defaultdict(list)
    for sp in spans:
        starts[sp[0]].append(sp)
        ends[sp[1]].append(sp)
    live: dict[int, tuple] = {}
    for a, b in zip(cuts, cuts[1:]):
        for sp in ends.get(a, ()):
            live.pop(id(sp), None)
        for sp in starts.get(a, ()):
            live[id(sp)] = sp
        active = sorted(live.values(), key=lambda s: (s[0], -s[1], LAYER_ORDER[s[2]], s[3].number))
        k = 0
        while k < len(stack) and k < len(active) and stack[k] is active[k]:
            k += 1
        while len(stack) > k:
            out.append(close_tag(stack.pop()))
        for sp in active[k:]:
            out.append(open_tag(sp))
            stack.append(sp)
        out.append(str(escape(text[a:b])))
    while stack:
        out.append(close_tag(stack.pop()))
    return "".join(out)
