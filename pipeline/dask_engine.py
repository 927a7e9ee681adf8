"""The Dask engine: the same batches as the local engine, on a distributed cluster.

Imported only for ``--engine dask`` so that the default path never loads dask.

Point it at a real cluster with ``--scheduler tcp://HOST:8786``.  Every worker needs
the same isnad version installed (``pip install /path/to/isnad`` in the workers'
image or environment) and, for ``--config``, the configuration and lexicon files at
the same path.  Workers return Parquet bytes: they need no access to OUT, which
only the driver writes.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from .engines import Result, Task, _take, get_nlp, process_task


class DaskEngine:
    """The same batches on a Dask distributed cluster: ``scheduler`` is an address
    (``tcp://host:8786``), a ``distributed.Client``, or None for a ``LocalCluster``
    of ``workers`` single-threaded worker processes."""

    name = "dask"

    def __init__(self, workers: int, config: str | None, max_chars: int, scheduler=None,
                 cluster_kwargs: dict | None = None):
        self.cluster = None
        self.own_client = True
        if scheduler is None:
            kw = {"n_workers": workers, "threads_per_worker": 1, "processes": True,
                  "dashboard_address": None, "silence_logs": 40}
            kw.update(cluster_kwargs or {})
            self.cluster = LocalCluster(**kw)
            self.client = Client(self.cluster)
        elif isinstance(scheduler, str):
            self.client = Client(scheduler)
        else:
            self.client, self.own_client = scheduler, False
        self.client.register_plugin(LoadPipeline(config, max_chars), name=f"isnad-nlp-{config or 'default'}")
        self.client.wait_for_workers(1, timeout=120)
        self.workers = max(sum(self.client.nthreads().values()), 1)

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        window = 2 * self.workers
        it = iter(tasks)
        futures = [self.client.submit(process_task, t, pure=False) for t in _take(it, window)]
        ac = as_completed(futures)
        for fut in ac:
            res = fut.result()
            fut.release()
            for t in _take(it, 1):
                ac.add(self.client.submit(process_task, t, pure=False))
            yield res

    def close(self) -> None:
        if self.own_client:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class LoadPipeline(WorkerPlugin):
    """Build the spaCy pipeline once per Dask worker, when it starts or joins."""

    def __init__(self, config: str | None, max_chars: int):
        self.config = config
        self.max_chars = max_chars

    def setup(self, worker) -> None:
        get_nlp(self.config, self.max_chars)
