"""Throttling counts kept in this process's memory (``RATELIMIT_STORAGE_URI=memory://``),
with their expired entries swept by the requests that count.

limits 5.8's MemoryStorage drops expired entries in a ``threading.Timer`` of 10 ms, which
it starts again on every counted request once the last one has ended: on a server taking
a form every few tens of milliseconds, nearly every POST started a thread (1–2 ms of CPU,
and several ms of waiting for it on a busy machine). This storage is the same in
everything else; the sweep runs inline, at most once every SWEEP_SECONDS, in a request
that counts. The entries a sweep drops are only memory: a moving window never counts an
expired entry, swept or not. limits has no setting for the sweep; the storage's ``timer``
attribute, which it asks ``is_alive()`` before starting another, is the handle used here
(limits 5.8.0).
"""
import time

from limits.storage import MemoryStorage

SCHEME = "swept-memory"
SWEEP_SECONDS = 1.0


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the first Timer, started by MemoryStorage itself
        self.timer = _InlineSweep(self._MemoryStorage__expire_events)


class _InlineSweep:
    """Stands where limits keeps its Timer: ``is_alive`` is asked on every count; it
    sweeps when SWEEP_SECONDS have passed since the last sweep, and always answers that
    a sweep is under way, so that no Timer is started."""

    def __init__(self, sweep):
        self._sweep = sweep
        self._due = time.monotonic() + SWEEP_SECONDS

    def is_alive(self):
        now = time.monotonic()
        if now >= self._due:
            self._due = now + SWEEP_SECONDS
            self._sweep()
        return True

    def cancel(self):
        pass


def storage_uri(configured):
    """The URI Flask-Limiter is given: the swept memory storage for ``memory://``."""
    return f"{SCHEME}://" if configured == "memory://" else configured
