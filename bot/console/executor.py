"""A listener pool that can tell when every listener it started has finished."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class TrackingExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor counting unfinished tasks, so the console knows the app is idle."""

    def __init__(self, max_workers: int, thread_name_prefix: str = "listener") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Submit a task and count it until it is done."""
        with self._idle:
            self._pending += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any] | None) -> None:
        """One task finished."""
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    @property
    def pending(self) -> int:
        """Tasks submitted and not yet finished."""
        with self._idle:
            return self._pending

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until no task is running or queued; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True
