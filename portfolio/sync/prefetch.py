"""Fetch the next windows while these are written: Kraken calls in a thread, the database here.

The walk's next request depends only on the previous page, never on the database, so a
producer thread runs up to `depth` windows ahead. The consumer takes every window that is ready
at once (a batch), so when writing is slower than fetching, several windows share one commit
instead of the fetching waiting for the disk. Windows still arrive in order and each batch is
committed with the cursor of its last window, so a crash loses at most the windows in hand. The
producer never touches the database; an error in it is raised in the consumer after the windows
fetched before it; when the consumer stops, the producer stops before handing over anything more.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def _producer(source: Iterator[T], channel: queue.Queue, stop: threading.Event) -> None:
    def put(message: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                channel.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    try:
        for item in source:
            if not put(("item", item)):
                return
        put(("done", None))
    except BaseException as error:  # handed to the consumer, which raises it
        put(("error", error))


def prefetched_batches(source: Iterator[T], *, depth: int = 8) -> Iterator[list[T]]:
    """The items of `source`, in order, in batches of those already fetched (at least one).

    With depth 0 there is no thread: one item at a time, fetched when asked for.
    """
    if depth <= 0:
        yield from ([item] for item in source)
        return
    channel: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    threading.Thread(
        target=_producer, args=(source, channel, stop), name="kraken-prefetch", daemon=True
    ).start()
    try:
        ending: tuple[str, Any] | None = None
        while ending is None:
            batch: list[T] = []
            message = channel.get()
            while True:
                if message[0] != "item":
                    ending = message
                    break
                batch.append(message[1])
                try:
                    message = channel.get_nowait()
                except queue.Empty:
                    break
            if batch:
                yield batch
        if ending[0] == "error":
            raise ending[1]
    finally:
        stop.set()
