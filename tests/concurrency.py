"""Two units of work at the same moment, the first holding its lock: the PostgreSQL race
tests (budget, learning check, talks, event places) share this choreography."""

from __future__ import annotations

import threading
from collections.abc import Callable

WAIT = 10  # seconds: generous for a busy two-core machine, never reached when it works

# ``work(name, started, before_commit)`` runs one unit of work in its own app context and
# session and returns its outcome. It calls ``started()`` right before the step that takes
# the lock, and ``before_commit()`` right before it commits.
Work = Callable[[str, Callable[[], None], Callable[[], None]], object]


def first_holds_second_waits(
    work: Work, first: str = "first", second: str = "second"
) -> dict[str, object]:
    """Run ``work`` as ``first`` until just before its commit, then as ``second``; check
    that the second waits for the first's lock (it does not finish while the first holds
    its transaction open), let the first commit, and return each one's outcome (an
    unexpected error as its repr, so the caller's assertion shows it)."""
    first_written, let_first_commit = threading.Event(), threading.Event()
    second_started, second_done = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def run(name: str, started, before_commit, done) -> None:
        try:
            results[name] = work(name, started, before_commit)
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
            results[name] = repr(error)
        finally:
            done.set()

    def hold_open() -> None:
        first_written.set()
        assert let_first_commit.wait(WAIT)

    one = threading.Thread(target=run, args=(first, lambda: None, hold_open, threading.Event()))
    one.start()
    assert first_written.wait(WAIT), results
    two = threading.Thread(target=run, args=(second, second_started.set, lambda: None, second_done))
    two.start()
    assert second_started.wait(WAIT), results
    # The first is written but not committed: the second must wait for its lock.
    assert not second_done.wait(1.0), f"the {second} did not wait: {results}"
    let_first_commit.set()
    one.join(WAIT)
    two.join(WAIT)
    return results
