"""Run the app under granian with settings that suit an in-process embedding model.

granian (a Rust HTTP server) parses HTTP and keeps connections outside Python, which costs
less per request than gunicorn's Python workers: measured on this machine with the same app,
2 workers and wrk -t2 -c8 (`make bench`), repeated questions went from ~1,650 to ~2,600
answers/s and distinct ones from ~410 to ~500-540.

The app is served through granian's RSGI interface by assistant.http.wsgi_bridge, which reads each
request body on the event loop within ASSISTANT_BODY_TIMEOUT_SECONDS before a thread runs the
app: a client that stalls or trickles its body holds no thread.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from flask import Flask
from granian.constants import HTTPModes, Interfaces, RuntimeModes
from granian.http import HTTP1Settings
from granian.server.mp import MPServer

from assistant.http.reloader import preload_in_background
from assistant.http.state import state
from assistant.http.validation import MAX_FIT_BODY_BYTES
from assistant.http.wsgi_bridge import BufferedWSGI
from assistant.settings import MULTIPROCESS_ENV

log = logging.getLogger(__name__)

# Routes answered in milliseconds (a chat answer's worst case is bounded by the request
# deadline); run on each worker's event loop thread.
ON_LOOP_ROUTES = frozenset(("/api/v1/chat", "/api/v1/health", "/api/v1/suggestions"))


def prepare_metrics_dir(default: Path) -> Path:
    """Set up and wipe the folder prometheus_client shares between workers.

    Must run before prometheus_client is first imported: it picks its storage at import.
    """
    folder = Path(os.environ.get(MULTIPROCESS_ENV) or default)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[MULTIPROCESS_ENV] = str(folder)
    return folder


def worker_cpu(worker_id: int, workers: int, usable: Collection[int]) -> int | None:
    """The one CPU worker `worker_id` (1-based) keeps to when there is a worker per usable CPU.

    Each worker's threads then stay on one core, and so does what they cached there, instead
    of being moved between the cores as the scheduler sees fit: with 2 workers on this 2-core
    machine, distinct answers under wrk went from 714 to 759 a second (means of 8 alternating
    pairs of 8 s runs; kept to a CPU was ahead in every pair). With more workers than CPUs, or
    fewer, the scheduler places them (None). A respawned worker gets its CPU again.
    """
    if workers != len(usable):
        return None
    return sorted(usable)[(worker_id - 1) % workers]


def keep_to_cpu(cpu: int) -> None:
    """Keep the calling thread, and the threads it starts from now on, to one CPU.

    If the host has taken the CPU away since the server started, the worker runs anywhere and
    the log says so: a worker that failed here would be replaced, and fail again.
    """
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError as exc:
        log.warning("worker not kept to CPU %d: %s", cpu, exc)


def run_as_batch() -> None:
    """Schedule the calling thread, and the threads it starts from now on, as SCHED_BATCH.

    A worker's threads share its one CPU (keep_to_cpu). Woken, a batch thread waits for the
    running one's time slice instead of preempting it: granian's network thread wakes about 3
    times per answer, and the thread answering was preempted ~4.2 times per answer, against
    ~0.5-1.3 as batch threads. Distinct answers under wrk went from 817 to 832 a second
    (means of 5 alternating pairs of 8 s runs, batch ahead in 4; 3 earlier pairs, ahead in 3),
    and in `make bench` from 806 to 817 (means of 3 and 4 runs, alternating). Repeated answers, a
    quarter of a millisecond each, lost ~5% (3,983-4,089 to 3,760-3,838 a second), still far
    above any portfolio's load; a lone question's p50 and p99 were unchanged.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except OSError as exc:
        log.warning("worker not scheduled as a batch process: %s", exc)


def _warm_worker(assistant: Any, settings: Any, recover_model: Callable[[Any, Any], bool]) -> None:
    """In each new worker: load the model session and do the one-off work before requests."""
    from assistant.http.observability import DEGRADED

    if assistant is None:
        return
    assistant.after_fork()
    assistant.warm_up()
    preload_in_background(assistant)
    DEGRADED.set(1 if assistant.degraded else 0)
    if assistant.degraded:
        # Threads do not survive a fork: each worker watches for the model itself.
        threading.Thread(
            target=_watch_model,
            args=(assistant, settings, recover_model),
            daemon=True,
            name="model-recovery",
        ).start()


def _watch_model(assistant: Any, settings: Any, recover_model: Callable[[Any, Any], bool]) -> None:
    """Retry the model until it loads, so the server recovers without a restart."""
    from assistant.http.observability import DEGRADED

    while not recover_model(assistant, settings):
        time.sleep(settings.model_retry_seconds)
    assistant.after_fork()
    assistant.warm_up()
    DEGRADED.set(0)


# granian's own log lines, as JSON like the app's (its loggers are "_granian" and
# "granian.access"; the app logs each request itself, so granian's access log stays off).
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"()": "assistant.http.observability.json_log_handler"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {"_granian": {"level": "INFO", "handlers": ["stderr"], "propagate": False}},
}


class AssistantServer(MPServer):
    """granian serving one preloaded app: the model and index load once, before forking.

    Workers are forked (multiprocessing's default on Linux) after the app is built, and each
    loads its own model session. A worker that dies is replaced. Each worker listens on a
    SO_REUSEPORT socket of its own, so the kernel spreads connections over the workers (one
    shared socket let one worker take all of wrk's 8 connections in 3 runs of 5, halving
    throughput); the price is that connections still queued on a killed worker's socket are
    reset, unless the host sets net.ipv4.tcp_migrate_req=1.
    """

    def _respawn_workers(self, workers: list[int], *args: Any, **kwargs: Any) -> None:
        from assistant.http.observability import mark_worker_dead

        dead = [self.wrks[index].inner.pid for index in workers]
        super()._respawn_workers(workers, *args, **kwargs)
        # What gunicorn's child_exit did: a dead worker's live gauges no longer count.
        for pid in dead:
            mark_worker_dead(pid)


def serve(
    app: Flask,
    host: str,
    port: int,
    workers: int,
    timeout: int,
    recover_model: Callable[[Any, Any], bool],
) -> None:
    """Serve until SIGTERM/SIGINT; in-flight requests get `timeout` seconds to finish.

    `recover_model(assistant, settings)` tries once to load the model for a degraded
    assistant (assistant.startup.recover_model): each worker retries it until it succeeds.
    """
    app_state = state(app)
    assistant = app_state.reloader.current() if app_state.reloader is not None else None
    settings = app_state.settings
    if assistant is not None:
        assistant.before_fork()
    # Everything loaded so far lives as long as the process: freezing it keeps the periodic
    # full collection (~220 ms with the model loaded, FACTS.md) off the request path.
    gc.collect()
    gc.freeze()
    bridge = BufferedWSGI(
        app,
        # For the longer requests (fit reports, the owner's report): the event loop keeps
        # reading other bodies and answering the short routes meanwhile.
        threads=2,
        body_timeout=settings.body_timeout_seconds if settings is not None else 10.0,
        max_body_bytes=MAX_FIT_BODY_BYTES,
        # Short requests run on the event loop's thread: a hand-over to a thread and back
        # cost more than a cached answer (wsgi_bridge). While the model runs (onnxruntime lets
        # go of the interpreter lock) the other worker uses the other core.
        on_loop=ON_LOOP_ROUTES,
    )

    # Set in each worker process as it starts.
    cpu_of_worker: list[int | None] = [None]

    def load_in_worker() -> BufferedWSGI:
        _warm_worker(assistant, settings, recover_model)
        if (cpu := cpu_of_worker[0]) is not None:
            # Only now, once the model is loaded: onnxruntime loaded by a thread kept to one
            # CPU ran the model ~25% slower (1.6 against 1.27 ms per question; its start-up
            # reads the CPUs it may use). granian's threads and the app's start after this and
            # keep to the CPU too.
            keep_to_cpu(cpu)
            run_as_batch()
        return bridge

    def run_worker(worker_id: int, *args: Any, **kwargs: Any) -> None:
        if hasattr(os, "sched_getaffinity"):  # Linux; elsewhere the scheduler places workers
            cpu_of_worker[0] = worker_cpu(worker_id, workers, os.sched_getaffinity(0))
        try:
            # Returns once the worker is stopped.
            MPServer._spawn_rsgi_worker(worker_id, *args, **kwargs)
        finally:
            # What the worker queued for the question log is written before it exits.
            app_state.storage.questions.flush()

    server = AssistantServer(
        "wsgi:app",  # only a name here: the app is handed over by load_in_worker
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        workers=workers,
        # The event loop's thread (RSGI allows one); the app runs on the bridge's threads.
        blocking_threads=1,
        runtime_threads=1,
        runtime_mode=RuntimeModes.st,
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(keep_alive=True, header_read_timeout=timeout * 1000),
        websockets=False,
        respawn_failed_workers=True,
        workers_kill_timeout=timeout,
        log_dictconfig=LOG_CONFIG,
        log_access=False,
    )
    server.serve(spawn_target=run_worker, target_loader=load_in_worker, wrap_loader=False)
