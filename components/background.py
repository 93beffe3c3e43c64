"""The manager that runs the app's background callbacks (the survival sweep, the PDF and Excel downloads).

By default jobs run in a subprocess of the web server and hand their progress and
results over through a :class:`diskcache.Cache` in ``.cache/background-callbacks``
(gitignored; ``KIZUNA_CACHE_DIR`` moves ``.cache``). When ``REDIS_URL`` is set, jobs go to
Celery workers through Redis instead (``pip install -r requirements-celery.txt``,
then ``celery -A app:celery_app worker --pool=solo``; see
``docs/background-workers.md``).

Kizuna's managers add four things to Dash's (:class:`KizunaDiskcacheManager`,
:class:`KizunaCeleryManager`):

- **a job per request.** Dash keys a job's result on the callback's inputs only, so ten
  people opening the same page shared one result key, and the first to collect the
  result deleted it: the others got "no update". Here every request gets its own key
  (the inputs' key and a random nonce); identical requests still compute once, because
  the work itself goes through the shared result cache (:func:`computed_once`).
- **a heartbeat.** A running job writes a sign of life every :data:`HEARTBEAT_S`; a job
  whose process or worker was stopped (a restart, a lost queue) is reported as lost
  after :data:`HEARTBEAT_TIMEOUT_S` (or :data:`CELERY_QUEUE_PATIENCE_S` if it never
  started), instead of leaving its page "running" for ever.
- **failures named.** When Redis or the jobs' folder cannot be reached, a callback's
  request fails at once with :class:`BackgroundJobsUnavailable` (Redis calls time out
  after a second or two instead of retrying for 20 s and holding a web worker), which
  the page's ``on_error`` turns into a banner (:func:`failure_message`).
- **a folder that works.** If the jobs' folder cannot be written at start, one log line
  names ``KIZUNA_CACHE_DIR`` and the folder, and jobs use a folder in the system's
  temporary directory instead, so the app still starts and sweeps still run.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar

from dash import CeleryManager, DiskcacheManager

from presentation.text import TEXT
from resilience.result_cache import CACHE_DIR_ENV, REDIS_URL_ENV, cache_dir, cache_key, redis_url, shared_result_cache

BACKGROUND_FOLDER = "background-callbacks"
CELERY_APP_NAME = "kizuna"
#: Seconds Redis keeps a finished job's result; the browser collects it within a second or two.
CELERY_RESULT_EXPIRES_S = 3600
#: A running job writes a sign of life this often [s].
HEARTBEAT_S = 5.0
#: A started job whose last sign of life is older than this is lost: its process or worker was stopped [s].
HEARTBEAT_TIMEOUT_S = 30.0
#: A job that has not started this long after the request is lost: no process or worker took it [s].
DISKCACHE_START_PATIENCE_S = 30.0
CELERY_QUEUE_PATIENCE_S = 60.0
#: A job still running this long after its request is taken as hung, ended and reported lost; a sweep takes
#: seconds and a PDF well under a minute [s].
JOB_TIME_LIMIT_S = 300.0
#: Web side: the longest a connection to Redis may take to open, and one call to answer [s].
REDIS_CONNECT_TIMEOUT_S = 1.0
REDIS_SOCKET_TIMEOUT_S = 3.0
#: Web side: Celery's result backend retries a failed call this often (its default, 20 times 1 s, held a
#: web worker for 19 s per request while Redis was down).
WEB_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
#: The lock that makes identical requests wait for one computation lapses this long after its holder last
#: renewed it (every LOCK_RENEW_S while it computes): a holder that was killed blocks no one for long [s].
LOCK_EXPIRE_S = 30.0
LOCK_RENEW_S = 10.0
#: How long a request waits for an identical one to finish before computing itself [s].
LOCK_WAIT_S = 180.0
LOCK_POLL_S = 0.05
#: What a lost job's result says; :func:`failure_message` recognises it.
LOST_JOB_MARKER = "kizuna: the background job stopped without a result"
_KEY_PREFIX = "kizuna-job"

log = logging.getLogger(__name__)
T = TypeVar("T")


class BackgroundJobsUnavailable(RuntimeError):
    """The store that carries the jobs and their results (Redis, the jobs' folder) cannot be reached or written."""


def background_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Folder of the background jobs' diskcache: ``background-callbacks`` in the folder of Kizuna's caches."""
    return cache_dir(environ) / BACKGROUND_FOLDER


def fallback_cache_dir() -> Path:
    """Where jobs go when the configured folder cannot be written: one folder per user in the temporary directory.

    The same for every process of the user, so the processes of one server still share their jobs.
    """
    return Path(tempfile.gettempdir()) / f"kizuna-{os.getuid()}" / BACKGROUND_FOLDER


def failure_message(error: BaseException) -> str:
    """What a page tells the user when a background job could not deliver its result (for a callback's ``on_error``).

    The workers or the jobs' folder cannot be reached, the job was lost (a restart), or the job failed (logged
    with its traceback).
    """
    if isinstance(error, BackgroundJobsUnavailable):
        return TEXT["background.unreachable"]
    if LOST_JOB_MARKER in str(error):
        return TEXT["background.lost"]
    log.error("a background job failed: %s", error, exc_info=error)
    return TEXT["background.failed"]


# ----------------------------------------------------------------------------------------------------------------------
# The managers
# ----------------------------------------------------------------------------------------------------------------------


def _store_key(kind: str, job: Any) -> str:
    return f"{_KEY_PREFIX}-{kind}:{job}"


class _KizunaJobs:
    """What Kizuna adds to a Dash manager (see the module's docstring); mixed in before the Dash class.

    A subclass provides ``_put`` and ``_fetch`` (the store), ``current_job`` and ``start_patience_s``. Every
    call the web process makes to the store goes through :meth:`_call`, which names a failure
    (:class:`BackgroundJobsUnavailable`).
    """

    start_patience_s = DISKCACHE_START_PATIENCE_S
    #: Whether a job id may come again (a process id is reused): then what the store holds about a job
    #: counts only if it is not older than the job's request.
    ids_reused = False
    store_name = ""
    UNDEFINED: Any

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(*args)
        except BackgroundJobsUnavailable:
            raise
        except Exception as problem:  # noqa: BLE001 - whatever the store raises, the page is told the same
            log.warning("background jobs (%s) cannot be reached: %s: %s", self.store_name, type(problem).__name__,
                        problem)
            raise BackgroundJobsUnavailable(f"{self.store_name}: {type(problem).__name__}: {problem}") from problem

    def _put(self, key: str, value: str) -> None:
        raise NotImplementedError

    def _fetch(self, key: str) -> Any:
        raise NotImplementedError

    @staticmethod
    def current_job() -> str:
        raise NotImplementedError

    # Dash's interface -------------------------------------------------------------------------------------------------

    def build_cache_key(self, fn: Any, args: Any, cache_args_to_ignore: Any, triggered: Any) -> str:
        """Dash's key of the inputs, made unique to this request: identical requests no longer share one result."""
        inputs_key = super().build_cache_key(fn, args, cache_args_to_ignore, triggered)  # type: ignore[misc]
        return hashlib.sha256(f"{inputs_key}:{uuid.uuid4().hex}".encode()).hexdigest()

    def make_job_fn(self, fn: Any, progress: Any, key: Any = None) -> Any:
        return super().make_job_fn(self._with_heartbeat(fn), progress, key)  # type: ignore[misc]

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> Any:
        return self._call(self._start, super().call_job_fn, key, job_fn, args, context)  # type: ignore[misc]

    def _start(self, start: Callable[..., Any], *args: Any) -> Any:
        job = start(*args)
        self._put(_store_key("queued", job), repr(time.time()))
        return job

    def job_running(self, job: Any) -> bool:
        return self._call(self._running, super().job_running, job)  # type: ignore[misc]

    def _running(self, base_running: Callable[[Any], Any], job: Any) -> bool:
        return bool(base_running(job)) and self._alive(job)

    def get_progress(self, key: str) -> Any:
        return self._call(super().get_progress, key)  # type: ignore[misc]

    def get_updated_props(self, key: str) -> Any:
        return self._call(super().get_updated_props, key)  # type: ignore[misc]

    def result_ready(self, key: str) -> Any:
        return self._call(super().result_ready, key)  # type: ignore[misc]

    def get_or_create_signing_secret(self, generate: Callable[[], bytes]) -> Any:
        return self._call(super().get_or_create_signing_secret, generate)  # type: ignore[misc]

    def get_result(self, key: str, job: Any) -> Any:
        """The job's result; a lost job (stopped without one, not cancelled) gives an error with the lost marker."""
        return self._call(self._result, super().get_result, key, job)  # type: ignore[misc]

    def _result(self, base_result: Callable[[str, Any], Any], key: str, job: Any) -> Any:
        result = base_result(key, job)
        if result is not self.UNDEFINED or not job or self.job_running(job) or self._ended(job):
            return result
        result = base_result(key, job)  # it may have finished in between
        if result is not self.UNDEFINED:
            return result
        log.warning("background job %s (%s) stopped without a result: its process or worker was stopped or hung",
                    job, self.store_name)
        self.terminate_job(job)  # a hung process is ended; a stopped one is gone already
        return {"background_callback_error": {"msg": LOST_JOB_MARKER, "tb": ""}}

    def terminate_job(self, job: Any) -> None:
        """Stop the job (cancelled, replaced, done or lost) and remember that it was ended here, not lost."""
        if job is None:
            return
        try:
            self._call(self._end, super().terminate_job, job)  # type: ignore[misc]
        except BackgroundJobsUnavailable as problem:  # a job that cannot be stopped now is lost later, or finishes
            log.warning("background job %s could not be stopped: %s", job, problem)

    def _end(self, base_terminate: Callable[[Any], Any], job: Any) -> None:
        self._put(_store_key("ended", job), repr(time.time()))
        base_terminate(job)

    # The heartbeat ----------------------------------------------------------------------------------------------------

    def _stamp(self, kind: str, job: Any, queued: float | None = None) -> float | None:
        """When the job last wrote ``kind`` (None if never, or only an earlier job of a reused id did)."""
        value = self._fetch(_store_key(kind, job))
        stamp = None if value is None else float(value)
        if stamp is not None and self.ids_reused and queued is not None and stamp < queued:
            return None
        return stamp

    def _alive(self, job: Any) -> bool:
        now = time.time()
        queued = self._stamp("queued", job)
        if queued is not None and now - queued > JOB_TIME_LIMIT_S:
            return False
        beat = self._stamp("alive", job, queued)
        if beat is not None:
            return now - beat < HEARTBEAT_TIMEOUT_S
        return queued is not None and now - queued < self.start_patience_s

    def _ended(self, job: Any) -> bool:
        return self._stamp("ended", job, self._stamp("queued", job)) is not None

    def _beat_once(self, job: str) -> None:
        try:
            self._put(_store_key("alive", job), repr(time.time()))
        except Exception as problem:  # noqa: BLE001 - the job goes on; its page may call it lost
            log.warning("background job %s: cannot write its heartbeat: %s", job, problem)

    def _beat(self, job: str, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_S):
            self._beat_once(job)

    def _with_heartbeat(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def watched(*args: Any, **kwargs: Any) -> Any:
            job, stop = self.current_job(), threading.Event()
            self._beat_once(job)
            threading.Thread(target=self._beat, args=(job, stop), name="kizuna-heartbeat", daemon=True).start()
            try:
                return fn(*args, **kwargs)
            finally:
                stop.set()

        return watched


class KizunaDiskcacheManager(_KizunaJobs, DiskcacheManager):
    """Dash's :class:`~dash.DiskcacheManager` with a job per request, a heartbeat and named failures.

    A job is a process forked from the web server. SQLite does not survive a fork made while another thread
    of the server is inside SQLite (opening or closing a connection, holding a lock): the child finds a
    mutex or a lock taken for good and hangs. So the web process makes every call to the jobs' store, and
    every fork, on one thread of its own (:meth:`_call`): at a fork no other thread is inside this store,
    and its one connection is never closed. (A thread of the server inside the *result* cache's SQLite at
    that moment can still hang the child; its heartbeat then stops and the page reports the job lost after
    :data:`DISKCACHE_START_PATIENCE_S`. A server of single-threaded processes, such as gunicorn's sync
    workers, never forks while another thread runs.)
    """

    start_patience_s = DISKCACHE_START_PATIENCE_S
    ids_reused = True

    def __init__(self, cache: Any, **kwargs: Any):
        super().__init__(cache, **kwargs)
        self.store_name = f"folder {cache.directory}"
        self._forget_store_thread()
        # A server that builds the app once and forks its workers (gunicorn's preload_app) gives each worker a
        # copy of this object but not of its thread: each process starts its own.
        os.register_at_fork(after_in_child=self._forget_store_thread)

    def _forget_store_thread(self) -> None:
        self._store_lock = threading.Lock()
        self._store_pid: int | None = None
        self._store_ident: int | None = None

    def _store_thread(self) -> ThreadPoolExecutor:
        with self._store_lock:
            if self._store_pid != os.getpid():
                self._store_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kizuna-jobs-store")
                self._store_ident = self._store_executor.submit(threading.get_ident).result()
                self._store_pid = os.getpid()
            return self._store_executor

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        executor = self._store_thread()
        if threading.get_ident() == self._store_ident:
            return super()._call(fn, *args)
        return executor.submit(super()._call, fn, *args).result()

    def _put(self, key: str, value: str) -> None:
        self.handle.set(key, value, expire=CELERY_RESULT_EXPIRES_S)

    def _fetch(self, key: str) -> Any:
        return self.handle.get(key)

    @staticmethod
    def current_job() -> str:
        return str(os.getpid())  # the job id Dash's diskcache manager gives is the job process's id


class KizunaCeleryManager(_KizunaJobs, CeleryManager):
    """Dash's :class:`~dash.CeleryManager` with a job per request, a heartbeat and named failures."""

    start_patience_s = CELERY_QUEUE_PATIENCE_S

    def __init__(self, celery_app: Any, **kwargs: Any):
        super().__init__(celery_app, **kwargs)
        self.store_name = f"Redis {celery_app.conf.broker_url}"

    def _put(self, key: str, value: str) -> None:
        self.handle.backend.set(key, value)  # kept CELERY_RESULT_EXPIRES_S, like results

    def _fetch(self, key: str) -> Any:
        return self.handle.backend.get(key)

    @staticmethod
    def current_job() -> str:
        from celery import current_task

        return str(current_task.request.id)


# ----------------------------------------------------------------------------------------------------------------------
# Building the manager
# ----------------------------------------------------------------------------------------------------------------------

_ROLE = {"worker": False}


def _celery_conf(url: str, *, worker: bool) -> dict[str, Any]:
    conf: dict[str, Any] = {
        "result_expires": CELERY_RESULT_EXPIRES_S,
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": REDIS_CONNECT_TIMEOUT_S,
        "broker_transport_options": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT_S,
                                     "socket_timeout": REDIS_SOCKET_TIMEOUT_S},
        "redis_socket_connect_timeout": REDIS_CONNECT_TIMEOUT_S,
        "redis_socket_timeout": REDIS_SOCKET_TIMEOUT_S,
    }
    if worker:
        # A worker waits for Redis as long as it takes (Celery's default gives up after 100 attempts) and keeps
        # Celery's patient retries for writing a result; kombu >= 5.4 resumes consuming after a reconnection.
        conf["broker_connection_max_retries"] = None
    else:
        # The web side fails fast: a request is answered with a banner within seconds, never held for 20 s.
        conf["result_backend_transport_options"] = {"retry_policy": WEB_RETRY_POLICY}
        conf["task_publish_retry_policy"] = WEB_RETRY_POLICY
    return conf


@lru_cache(maxsize=4)
def celery_app(url: str) -> Any:
    """One Celery app per Redis URL, broker and result backend both on ``url``.

    Cached so that the web process and a worker that builds the Dash app register
    the background callbacks on the same Celery app object. In a web process Redis
    calls give up within seconds (:data:`WEB_RETRY_POLICY`, :data:`REDIS_SOCKET_TIMEOUT_S`);
    in a worker (:func:`worker_celery_app`) they retry for as long as Redis is away.

    Raises
    ------
    ImportError
        If Celery is not installed, naming the requirements file to install.
    """
    try:
        from celery import Celery
    except ImportError as missing:
        raise ImportError(
            f"{REDIS_URL_ENV} is set, so background callbacks need Celery and redis: "
            "pip install -r requirements-celery.txt (or unset REDIS_URL to use diskcache)"
        ) from missing
    app = Celery(CELERY_APP_NAME, broker=url, backend=url)
    app.conf.update(_celery_conf(url, worker=_ROLE["worker"]))
    return app


def _writable_cache(folder: Path) -> Any:
    """A diskcache in ``folder``, once a value was written to it and read back (else the error)."""
    import diskcache

    folder.mkdir(parents=True, exist_ok=True)
    cache = diskcache.Cache(str(folder))
    probe = f"{_KEY_PREFIX}-probe:{os.getpid()}"
    cache.set(probe, b"\0" * 4096, expire=60)
    if cache.get(probe) is None:
        raise OSError(f"{folder}: a value written could not be read back")
    cache.delete(probe)
    return cache


def _jobs_cache(environ: Mapping[str, str] | None) -> Any:
    """The jobs' diskcache: in :func:`background_cache_dir`, else (logged once) in :func:`fallback_cache_dir`."""
    import diskcache

    folder = background_cache_dir(environ)
    try:
        return _writable_cache(folder)
    except Exception as problem:  # noqa: BLE001 - no permission, a full disk, a file in the way: all the same
        fallback = fallback_cache_dir()
        log.error("%s: the background jobs' folder %s cannot be written (%s: %s); jobs use %s instead "
                  "- set %s to a writable folder", CACHE_DIR_ENV, folder, type(problem).__name__, problem,
                  fallback, CACHE_DIR_ENV)
    try:
        return _writable_cache(fallback)
    except Exception as problem:  # noqa: BLE001
        log.error("%s: %s cannot be written either (%s); jobs use a folder of this process only, which a server "
                  "of several processes cannot share", CACHE_DIR_ENV, fallback, problem)
        return diskcache.Cache()


def background_callback_manager(environ: Mapping[str, str] | None = None) -> Any:
    """The background-callback manager to pass to ``Dash(background_callback_manager=...)``.

    Parameters
    ----------
    environ : mapping, optional
        Environment to read ``REDIS_URL`` and ``KIZUNA_CACHE_DIR`` from; default ``os.environ``.

    Returns
    -------
    KizunaCeleryManager or KizunaDiskcacheManager
        Celery with Redis when ``REDIS_URL`` is set, else diskcache in :func:`background_cache_dir`
        (or, if that cannot be written, :func:`fallback_cache_dir`).
    """
    url = redis_url(environ)
    if url is not None:
        return KizunaCeleryManager(celery_app(url))
    return KizunaDiskcacheManager(_jobs_cache(environ))


def worker_celery_app(create_app: Callable[[], Any]) -> Any:
    """The Celery app a worker serves, with every page's background callbacks registered as its tasks.

    Building the Dash app imports the pages, whose ``@callback(background=True)``
    functions then become tasks of :func:`celery_app` for ``$REDIS_URL``.

    Raises
    ------
    RuntimeError
        When ``REDIS_URL`` is not set (a worker has nothing to serve then).
    """
    url = redis_url()
    if url is None:
        raise RuntimeError(f"set {REDIS_URL_ENV} (e.g. redis://127.0.0.1:6379/0) before starting a Celery worker")
    _ROLE["worker"] = True
    create_app()
    return celery_app(url)


# ----------------------------------------------------------------------------------------------------------------------
# Computing once for identical requests
# ----------------------------------------------------------------------------------------------------------------------


class _DiskLocks:
    def __init__(self, cache: Any):
        self._cache = cache

    def add(self, name: str, token: str) -> bool:
        return bool(self._cache.add(name, token, expire=LOCK_EXPIRE_S))

    def renew(self, name: str, token: str) -> None:
        if self._cache.get(name) == token:
            self._cache.touch(name, expire=LOCK_EXPIRE_S)

    def release(self, name: str, token: str) -> None:
        if self._cache.get(name) == token:
            self._cache.delete(name)


class _RedisLocks:
    def __init__(self, url: str):
        import redis

        self._client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
                                            socket_timeout=REDIS_SOCKET_TIMEOUT_S)

    def add(self, name: str, token: str) -> bool:
        return bool(self._client.set(name, token, nx=True, ex=int(LOCK_EXPIRE_S)))

    def renew(self, name: str, token: str) -> None:
        if self._client.get(name) == token.encode():
            self._client.expire(name, int(LOCK_EXPIRE_S))

    def release(self, name: str, token: str) -> None:
        if self._client.get(name) == token.encode():
            self._client.delete(name)


@lru_cache(maxsize=4)
def _locks_for(pid: int, url: str | None, folder: str) -> _DiskLocks | _RedisLocks | None:
    # One per process (a job process forked from the web server opens its own) and configuration.
    try:
        if url is not None:
            return _RedisLocks(url)
        return _DiskLocks(_writable_cache(Path(folder)))
    except Exception as problem:  # noqa: BLE001 - without locks identical requests compute side by side
        log.warning("identical requests cannot wait for one another (%s); each computes its own result", problem)
        return None


def _locks() -> _DiskLocks | _RedisLocks | None:
    return _locks_for(os.getpid(), redis_url(), str(background_cache_dir() / "locks"))


def _acquire(locks: _DiskLocks | _RedisLocks, name: str, token: str) -> bool:
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            if locks.add(name, token):
                return True
        except Exception as problem:  # noqa: BLE001
            log.warning("lock %s: %s; computing without it", name, problem)
            return False
        if time.monotonic() > deadline:
            log.warning("lock %s: still held after %.0f s; computing without it", name, LOCK_WAIT_S)
            return False
        time.sleep(LOCK_POLL_S)


def _renew_until(locks: _DiskLocks | _RedisLocks, name: str, token: str, stop: threading.Event) -> None:
    while not stop.wait(LOCK_RENEW_S):
        try:
            locks.renew(name, token)
        except Exception as problem:  # noqa: BLE001 - the lock lapses; a waiting request computes too
            log.warning("lock %s: could not renew: %s", name, problem)


@contextmanager
def one_at_a_time(namespace: str, inputs: Any) -> Iterator[None]:
    """While held, any other process or job asking for the same ``(namespace, inputs)`` waits.

    Wrap the computation of a result that goes into the shared result cache, so identical concurrent
    requests compute it once and the others read it. If the lock cannot be taken (the store is away, or the
    holder takes longer than :data:`LOCK_WAIT_S`), the block runs anyway: a lock costs time, never a result.
    """
    locks = _locks()
    name = f"{_KEY_PREFIX}-lock:{cache_key(namespace, inputs)}"
    token = uuid.uuid4().hex
    held = locks is not None and _acquire(locks, name, token)
    stop = threading.Event()
    if held:
        threading.Thread(target=_renew_until, args=(locks, name, token, stop), name="kizuna-lock", daemon=True).start()
    try:
        yield
    finally:
        stop.set()
        if held:
            try:
                locks.release(name, token)  # type: ignore[union-attr]
            except Exception as problem:  # noqa: BLE001 - it expires after LOCK_EXPIRE_S
                log.warning("lock %s: could not release: %s", name, problem)


def computed_once(namespace: str, inputs: Any, compute: Callable[[], T]) -> T:
    """``shared_result_cache().get_or_compute(namespace, inputs, compute)``, computed once for concurrent equals."""
    with one_at_a_time(namespace, inputs):
        return shared_result_cache().get_or_compute(namespace, inputs, compute)
