"""Bolt's thread listener runner, with errors raised after ack() kept away from the answer."""

from __future__ import annotations

from typing import Any

from slack_bolt.listener import Listener
from slack_bolt.listener.listener_error_handler import ListenerErrorHandler
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse


class AckedErrorsHandled:
    """A listener whose errors, once it has called ack(), go straight to the error handler.

    Bolt (1.30, thread runner) handles a listener's error by first setting the request's
    answer to a provisional 500 and, a few bytecodes later, taking it back when ack() was
    already called. The request thread reads that answer concurrently, so now and then Slack
    got a 500 for a request that had been acknowledged (`/complaint list` as an assistant,
    answered with a domain error after ack, failed 2 in 30 times). Handled here, such an error
    never reaches that code; errors before ack() still take Bolt's path (which answers them).
    """

    def __init__(self, listener: Listener, handler: ListenerErrorHandler) -> None:
        self._listener = listener
        self._handler = handler

    def __getattr__(self, name: str) -> Any:
        """Everything else is the listener's own."""
        return getattr(self._listener, name)

    def run_ack_function(self, *, request: BoltRequest,
                         response: BoltResponse) -> BoltResponse | None:
        """Run the listener; an error after its ack() is handed to the error handler here."""
        try:
            return self._listener.run_ack_function(request=request, response=response)
        except Exception as error:
            if request.context.ack.response is None or self._listener.auto_acknowledgement:
                raise
            self._handler.handle(error=error, request=request, response=None)
            return None


class AckSafeListenerRunner(ThreadListenerRunner):
    """Bolt's runner, running each non-lazy, acknowledging listener as `AckedErrorsHandled`."""

    @classmethod
    def replacing(cls, runner: ThreadListenerRunner) -> AckSafeListenerRunner:
        """The same runner (logger, handlers, executors) with this fix."""
        return cls(logger=runner.logger, process_before_response=runner.process_before_response,
                   listener_error_handler=runner.listener_error_handler,
                   listener_start_handler=runner.listener_start_handler,
                   listener_completion_handler=runner.listener_completion_handler,
                   listener_executor=runner.listener_executor,
                   lazy_listener_runner=runner.lazy_listener_runner)

    def run(self, request: BoltRequest, response: BoltResponse, listener_name: str,
            listener: Listener, starting_time: float | None = None) -> BoltResponse | None:
        """Bolt's run, with the listener wrapped (only the thread mode has the race)."""
        if not self.process_before_response and not request.lazy_only:
            wrapped = AckedErrorsHandled(listener, self.listener_error_handler)
            listener = wrapped  # type: ignore[assignment]
        return super().run(request=request, response=response, listener_name=listener_name,
                           listener=listener, starting_time=starting_time)
