"""The per-document time budget (issue 12): the last defence against a document that
makes some stage slow.

Every stage is linear in the length of a document (tests/test_scaling.py), but a rule
added tomorrow may not be, and one crafted document must never stall a nightly batch.
So the worker (:func:`pipeline.engines._pipe_rows`) gives each document a budget of
CPU seconds and checks it after every stage; the long loops of the rule stages (per
sentence, per quote) call :func:`check` too, so a slow stage is stopped inside, not
only at its end.  A document over its budget raises :class:`OverBudget`, goes to the
``rejected`` table (E115) and the batch goes on in the same worker.

Why a cooperative check and not an interrupt (``signal.setitimer`` + SIGALRM):
- signals reach only the main thread of a process, and Dask runs tasks in worker
  threads (so does the in-process engine under a threaded caller): an alarm would
  protect the process pool only;
- an interrupt lands at any bytecode, in the middle of a lexicon memo or spaCy's
  string store, and the worker would go on with that state; a check raises only at
  the points listed below, where a stage holds nothing but the document's own data;
- it needs no handler to restore and nothing process-wide.
The price: a loop without a check runs to its end before the budget is seen (the
scaling tests keep every stage linear, so that end comes soon).

CPU time of the thread, not the wall clock: on a busy machine a normal document must
not be rejected because other processes had the cores (the rejected set would then
depend on the load).  Reading the thread's CPU clock is a system call (~1 us), so a
check reads the cheap monotonic clock first: a thread cannot spend more CPU time than
wall time has passed, and only once the wall clock passes the budget is the CPU clock
read (then the next wall deadline is what is left of the budget).

Check points (each at the top of an iteration, where nothing half-built is shared):
quotemarks per paragraph, content per group of a sentence's cues, speakers per quote,
relays per quote.
"""
from __future__ import annotations

import threading
import time

from .errors import InputError

_local = threading.local()


class OverBudget(InputError):
    """The document took more than its budget of CPU seconds (``spent`` so far)."""

    def __init__(self, spent: float, budget: float):
        self.spent, self.budget = spent, budget
        super().__init__("E115", f"over the budget of {budget:g} s of CPU time after {spent:.2f} s")


class Clock:
    """One document's budget of ``seconds`` CPU seconds (None or 0: no budget), in
    this thread.  ``with Clock(5.0) as clock:`` starts it; :meth:`check` (or the
    module's :func:`check`, for the stages) raises :class:`OverBudget` past it."""

    __slots__ = ("seconds", "cpu0", "wall_deadline", "outer")

    def __init__(self, seconds: float | None):
        self.seconds = seconds or 0.0

    def __enter__(self) -> "Clock":
        self.cpu0 = time.thread_time()
        self.wall_deadline = time.perf_counter() + self.seconds if self.seconds > 0 else float("inf")
        self.outer = getattr(_local, "clock", None)
        _local.clock = self
        return self

    def __exit__(self, *exc) -> None:
        _local.clock = self.outer

    def spent(self) -> float:
        return time.thread_time() - self.cpu0

    def check(self) -> None:
        if time.perf_counter() <= self.wall_deadline:
            return
        spent = self.spent()
        if spent > self.seconds:
            raise OverBudget(spent, self.seconds)
        # the wall clock ran ahead (other processes had the core): CPU time can reach
        # the budget no sooner than what is left of it in wall time
        self.wall_deadline = time.perf_counter() + (self.seconds - spent)


def check() -> None:
    """Raise :class:`OverBudget` when the document being processed in this thread is
    over its budget; nothing when no budget runs (a stage called directly)."""
    clock = getattr(_local, "clock", None)
    if clock is not None:
        clock.check()
