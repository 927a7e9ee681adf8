"""What a run tells its user: progress while it runs, the summary when it ends."""
from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .runner import RunOptions, Stats


class Progress:
    """A tqdm bar on a terminal; plain log lines (every 10 s) otherwise; nothing with quiet."""

    def __init__(self, opts: RunOptions):
        self.t0 = time.monotonic()
        self.quiet = opts.quiet
        tty = sys.stderr.isatty() if opts.progress is None else opts.progress
        self.bar = None
        self.tty = tty and not opts.quiet
        self.last = self.t0
        self.batch = opts.batch_size

    def start(self, st: Stats) -> None:
        if self.quiet:
            return
        if self.tty:
            from tqdm import tqdm
            self.bar = tqdm(desc="isnad", unit="doc", file=sys.stderr, dynamic_ncols=True, leave=False)
        else:
            self._log(f"run {st.run_id}: {st.engine} engine, {st.workers} worker(s), batch size {self.batch}")

    def update(self, st: Stats) -> None:
        if self.quiet:
            return
        if self.tty:
            if self.bar is not None:
                self.bar.n = st.processed + st.skipped + st.rejected
                self.bar.set_postfix(processed=st.processed, skipped=st.skipped, rejected=st.rejected,
                                     refresh=False)
                self.bar.refresh()
            return
        now = time.monotonic()
        if now - self.last >= 10:
            self.last = now
            self._log(f"{st.processed} processed, {st.skipped} skipped as unchanged, {st.rejected} rejected, "
                      f"{st.batches} batches, {now - self.t0:.0f} s")

    def _log(self, msg: str) -> None:
        print(f"isnad: {msg}", file=sys.stderr, flush=True)

    def warn(self, msg: str) -> None:
        """A repair of the output folder (a rebuilt manifest, a lost part): said even
        with --quiet, which keeps errors."""
        if self.bar is not None:
            self.bar.clear()
        print(f"isnad: {msg}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# Speakers the summary ranks: named people and bodies.  Anonymous sources (المصادر) and
# documents (التقرير، البيان) are counted on their own lines: they used to top the list.
NAMED_TYPES = ("person", "organization", "group", "agency")
APART_TYPES = (("anonymous", "anonymous sources"), ("document", "documents"))


def summary(stats: dict) -> str:
    kinds = stats.get("kinds") or Counter()
    speakers = stats.get("speakers") or Counter()
    nested = kinds.get("nested", 0)
    shown = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()) if k != "nested") or "none"
    lines = [f"isnad: {stats['documents']} documents, {stats['quotes'] - nested} quotes ({shown})"
             + (f" + {nested} nested" if nested else "") + ", "
             f"{stats['rejected']} rejected -> {stats['out']}",
             f"run {stats['run_id']}: processed {stats['processed']}, skipped as unchanged {stats['skipped']}, "
             f"rejected {stats['rejected']}"
             + (f" ({stats['rejected_again']} unchanged since an earlier run)" if stats.get("rejected_again") else "")
             + f", {stats['seconds']:.1f} s"
             + (f" ({stats['engine']} engine, {stats['workers']} worker(s))" if stats.get("engine") else "")]
    claims = stats.get("claims")
    if claims:
        lines.append(f"claims: {claims['claims']} ({claims['multi_outlet']} across outlets, "
                     f"{claims['assigned']} quotes newly assigned), built in {claims['seconds']:.1f} s")
    by_type: dict[str, Counter] = {}
    for key, n in speakers.items():
        name, typ = key if isinstance(key, tuple) else (key, "unknown")
        by_type.setdefault(typ, Counter())[name] += n
    named = Counter()
    for typ in NAMED_TYPES:
        named.update(by_type.get(typ, {}))
    if named:
        lines.append("top speakers (people and organisations):")
        for name, n in named.most_common(5):
            lines.append(f"  {n:4d}  {name}")
    for typ, label in APART_TYPES:
        c = by_type.get(typ)
        if c:
            top = ", ".join(f"{name} {n}" for name, n in c.most_common(3))
            lines.append(f"  {label}: {sum(c.values())} quotes ({top})")
    if stats.get("bad_dates"):
        doc_id, value = stats.get("bad_date_example") or ("?", "?")
        lines.append(f"warning: {stats['bad_dates']} date(s) could not be read and were left null "
                     f"(e.g. {value!r} in {doc_id}); dates are read as ISO 8601, DD/MM/YYYY or RFC 2822")
    return "\n".join(lines)
