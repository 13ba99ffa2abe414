"""Group commit of event batches: one writer thread per server process stores every batch
waiting for it in one transaction, with a few statements for all of them.

A request validates its batch in its own thread, hands it over and waits for the commit,
so a 2xx still means the events are durable. Nothing waits on a timer: while the writer
commits one group, the next one gathers, so a lone request is stored at once and a busy
server commits more events per transaction (D2 in shared/reliability.md). If a group
fails for any reason other than the database, each of its batches is retried alone, so one
batch can never fail the others."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections import defaultdict
from concurrent.futures import Future
from typing import TypeAlias

from sqlalchemy.exc import DisconnectionError, OperationalError

from analytics.ingest import IngestResult, PreparedBatch, store_batches
from guides.errors import StorageUnavailable
from server.db import Database

MAX_GROUP_EVENTS = 2000
logger = logging.getLogger("signpost.ingest")

# A waiter is a thread's future, or an event loop's: the loop is woken once per group.
Waiter: TypeAlias = "Future[IngestResult] | asyncio.Future[IngestResult]"
Item = tuple[int, PreparedBatch, Waiter]


class GroupCommitter:
    def __init__(self, db: Database, max_events: int = MAX_GROUP_EVENTS) -> None:
        self.db = db
        self.max_events = max_events
        self._queue: queue.Queue[Item | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="signpost-ingest", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Store what is queued, then end the writer."""
        self._queue.put(None)
        self._thread.join(timeout=30)

    def submit(self, app_id: int, prepared: PreparedBatch) -> Future[IngestResult]:
        """Queue a batch; the future is done once it is committed."""
        future: Future[IngestResult] = Future()
        self._queue.put((app_id, prepared, future))
        return future

    async def store(self, app_id: int, prepared: PreparedBatch) -> IngestResult:
        """Queue a batch and wait for its commit, from a running event loop."""
        future: asyncio.Future[IngestResult] = asyncio.get_running_loop().create_future()
        self._queue.put((app_id, prepared, future))
        return await future

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            group, events = [item], len(item[1].rows)
            while events < self.max_events:
                try:
                    following = self._queue.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    self._queue.put(None)  # stop after this group
                    break
                group.append(following)
                events += len(following[1].rows)
            self._commit(group)

    def _commit(self, group: list[Item]) -> None:
        try:
            with self.db.write() as session:
                by_app: dict[int, list[PreparedBatch]] = defaultdict(list)
                for app_id, prepared, _ in group:
                    by_app[app_id].append(prepared)
                for app_id, batches in by_app.items():
                    store_batches(session=session, app_id=app_id, prepared=batches)
        except (OperationalError, DisconnectionError, StorageUnavailable) as exc:
            _settle(group, exc)
        except Exception as exc:
            if len(group) == 1:
                _settle(group, exc)
                return
            logger.warning("a group of %d batches failed; storing them one by one", len(group))
            for item in group:
                item[1].result.accepted = item[1].result.duplicates = 0
                self._commit([item])
        else:
            _settle(group, None)


def _settle(group: list[Item], error: BaseException | None) -> None:
    """Answer every waiter of a group: thread futures at once, each event loop's futures in
    one call on that loop (a wake-up per group, not per batch)."""
    loops: dict[asyncio.AbstractEventLoop, list[Item]] = defaultdict(list)
    for item in group:
        waiter = item[2]
        if isinstance(waiter, asyncio.Future):
            loops[waiter.get_loop()].append(item)
        elif error is None:
            waiter.set_result(item[1].result)
        else:
            waiter.set_exception(error)
    for loop, items in loops.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            loop.call_soon_threadsafe(_settle_on_loop, items, error)


def _settle_on_loop(items: list[Item], error: BaseException | None) -> None:
    for _, prepared, waiter in items:
        if waiter.done():  # the request was cancelled (client gone)
            continue
        if error is None:
            waiter.set_result(prepared.result)
        else:
            waiter.set_exception(error)
