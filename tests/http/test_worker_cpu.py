from __future__ import annotations

import os
import threading

import pytest

from assistant.http.serving import keep_to_cpu, run_as_batch, worker_cpu


def test_a_worker_per_cpu_gives_each_worker_a_cpu_of_its_own() -> None:
    assert [worker_cpu(n, 2, {0, 1}) for n in (1, 2)] == [0, 1]
    # The CPUs the server may use, in order, whatever their numbers.
    assert [worker_cpu(n, 3, {7, 2, 5}) for n in (1, 2, 3)] == [2, 5, 7]


def test_a_respawned_worker_keeps_to_the_cpu_of_the_one_it_replaces() -> None:
    # granian gives the replacement the dead worker's number.
    assert worker_cpu(2, 2, {0, 1}) == worker_cpu(2, 2, {1, 0}) == 1


def test_more_or_fewer_workers_than_cpus_are_left_to_the_scheduler() -> None:
    assert worker_cpu(1, 3, {0, 1}) is None
    assert worker_cpu(1, 2, {0, 1, 2, 3}) is None


def test_a_cpu_the_host_took_away_leaves_the_worker_running_anywhere(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refused(pid: int, cpus: set[int]) -> None:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "sched_setaffinity", refused)
    keep_to_cpu(5)
    assert "worker not kept to CPU 5: [Errno 22] Invalid argument" in caplog.text


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="SCHED_BATCH is Linux's")
def test_a_batch_thread_and_the_threads_it_starts_are_scheduled_as_batch() -> None:
    policies: list[int] = []

    def worker() -> None:
        run_as_batch()
        started = threading.Thread(target=lambda: policies.append(os.sched_getscheduler(0)))
        started.start()
        started.join()
        policies.append(os.sched_getscheduler(0))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert policies == [os.SCHED_BATCH, os.SCHED_BATCH]
    # Only the calling thread changed: the test's own is as it was.
    assert os.sched_getscheduler(0) == os.SCHED_OTHER


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="SCHED_BATCH is Linux's")
def test_a_refused_batch_policy_leaves_the_worker_scheduled_as_before(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refused(pid: int, policy: int, param: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", refused)
    run_as_batch()
    assert "worker not scheduled as a batch process: [Errno 1]" in caplog.text
