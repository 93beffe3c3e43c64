"""One cache of engine results, shared by every process of a Kizuna server.

A city simulation, a household's V2H estimate or a survival sweep depends on
nothing but its inputs, so the web processes, the background workers and the
downloads can all reuse one another's results. This module keeps them in

- Redis, when ``REDIS_URL`` is set (the same server the Celery workers use), or
- a :class:`diskcache.Cache` in ``$KIZUNA_CACHE_DIR/results`` (default
  ``.cache/results`` in the repository), which every process on the machine shares,

with a small in-process memory in front of either, so that moving the Overview's
hour slider does not even unpickle the result again.

A key is the SHA-256 of the inputs (records as their JSON, arrays as their bytes)
together with a fingerprint of the engine's code, the vehicle catalogue and the
versions of the numerical libraries, so a result computed by an older version is
never served. When the store cannot be read or written (a full disk, a folder
without write permission, Redis down) the result is computed and returned all the
same and a warning is logged: a broken cache costs time, never a result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from pydantic import BaseModel

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR_ENV = "KIZUNA_CACHE_DIR"
REDIS_URL_ENV = "REDIS_URL"
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache"
RESULTS_FOLDER = "results"
#: Disk space the results may take before the least recently stored are evicted [bytes].
DISK_SIZE_LIMIT_BYTES = 512 * 1024**2
#: How long Redis keeps a result after it was stored [s]; recomputing an evicted one takes well under a second.
REDIS_TTL_S = 7 * 24 * 3600
#: Results each process keeps unpickled in memory (a Berlin month is ~2 MB).
PROCESS_ENTRIES = 32
#: Libraries whose version changes the numbers.
_NUMERICAL_LIBRARIES = ("numpy", "pandas", "pvlib", "numba", "pydantic")

log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Folder of Kizuna's disk caches: ``$KIZUNA_CACHE_DIR`` or ``.cache`` in the repository."""
    environ = os.environ if environ is None else environ
    configured = environ.get(CACHE_DIR_ENV, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_CACHE_DIR


def redis_url(environ: Mapping[str, str] | None = None) -> str | None:
    """``$REDIS_URL`` when it is set and not blank, else None."""
    environ = os.environ if environ is None else environ
    return environ.get(REDIS_URL_ENV, "").strip() or None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the engine's source, the vehicle catalogue and the numerical libraries' versions."""
    digest = hashlib.sha256()
    sources = sorted(Path(__file__).parent.glob("*.py")) + sorted((REPO_ROOT / "data" / "vehicles").glob("*.csv"))
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for library in _NUMERICAL_LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}".encode())
    return digest.hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        # pydantic's JSON serialiser is compiled: a whole city takes well under a millisecond.
        return {type(value).__name__: hashlib.sha256(value.model_dump_json().encode()).hexdigest()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {type(value).__name__: {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}}
    if isinstance(value, np.ndarray):
        return {"dtype": str(value.dtype), "shape": value.shape,
                "sha256": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Path | np.generic):
        return str(value)
    raise TypeError(f"result_cache: cannot key on a {type(value).__name__}")


def cache_key(namespace: str, inputs: Any) -> str:
    """The key of ``namespace``'s result for ``inputs`` (records, arrays, numbers, strings, datetimes).

    Examples
    --------
    Equal inputs give equal keys, whatever the order of a mapping:

    >>> cache_key("simulate", {"a": 1, "b": 2}) == cache_key("simulate", {"b": 2, "a": 1})
    True
    >>> cache_key("simulate", {"a": 1}) == cache_key("sweep", {"a": 1})
    False
    """
    text = json.dumps([code_fingerprint(), namespace, inputs], sort_keys=True, default=_jsonable,
                      separators=(",", ":"))
    return f"kizuna:{namespace}:{hashlib.sha256(text.encode()).hexdigest()}"


class _Store(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, blob: bytes) -> None: ...

    def clear(self) -> None: ...


class _DiskStore:
    def __init__(self, folder: Path):
        import diskcache

        folder.mkdir(parents=True, exist_ok=True)
        self._cache = diskcache.Cache(str(folder), size_limit=DISK_SIZE_LIMIT_BYTES)

    def get(self, key: str) -> bytes | None:
        return self._cache.get(key)

    def set(self, key: str, blob: bytes) -> None:
        self._cache.set(key, blob)

    def clear(self) -> None:
        self._cache.clear()


class _RedisStore:
    def __init__(self, url: str):
        import redis

        self._client = redis.Redis.from_url(url)

    def get(self, key: str) -> bytes | None:
        return self._client.get(key)

    def set(self, key: str, blob: bytes) -> None:
        self._client.set(key, blob, ex=REDIS_TTL_S)

    def clear(self) -> None:
        keys = list(self._client.scan_iter("kizuna:*"))
        if keys:
            self._client.delete(*keys)


class _NoStore:
    """Stands in when the configured store cannot be opened: every result is computed."""

    def get(self, key: str) -> bytes | None:
        return None

    def set(self, key: str, blob: bytes) -> None:
        return None

    def clear(self) -> None:
        return None


class ResultCache:
    """Results by key: this process's memory first, then the shared store, else computed and stored.

    Callers must treat returned results as read-only: they are shared.
    """

    def __init__(self, store: _Store, description: str):
        self.description = description
        self._store = store
        self._memory: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        #: Where the last :meth:`get_or_compute` found its result: "memory", "shared" or "computed".
        self.last_source = ""

    def get_or_compute(self, namespace: str, inputs: Any, compute: Callable[[], T]) -> T:
        """The result for ``inputs``; ``compute()`` runs only when no process has it yet."""
        key = cache_key(namespace, inputs)
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                self.last_source = "memory"
                return self._memory[key]
        value, self.last_source = self._shared(key), "shared"
        if value is None:
            value, self.last_source = compute(), "computed"
            self._store_quietly(key, value)
        with self._lock:
            self._memory[key] = value
            while len(self._memory) > PROCESS_ENTRIES:
                self._memory.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every result, here and in the shared store (tests and benchmarks time cold runs with it)."""
        with self._lock:
            self._memory.clear()
        try:
            self._store.clear()
        except Exception as problem:  # noqa: BLE001 - any store failure only costs time
            log.warning("result cache (%s): could not clear: %s", self.description, problem)

    def _shared(self, key: str) -> Any:
        try:
            blob = self._store.get(key)
            return None if blob is None else pickle.loads(blob)
        except Exception as problem:  # noqa: BLE001 - a cache that cannot be read is a cache miss
            log.warning("result cache (%s): could not read a result, computing it: %s", self.description, problem)
            return None

    def _store_quietly(self, key: str, value: Any) -> None:
        try:
            self._store.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception as problem:  # noqa: BLE001 - a result not stored is recomputed next time
            log.warning("result cache (%s): could not store a result: %s", self.description, problem)


def open_result_cache(environ: Mapping[str, str] | None = None) -> ResultCache:
    """A :class:`ResultCache` on Redis (``REDIS_URL``) or on ``cache_dir()/results``; memory only if neither opens."""
    url = redis_url(environ)
    try:
        if url is not None:
            return ResultCache(_RedisStore(url), f"Redis {url}")
        folder = cache_dir(environ) / RESULTS_FOLDER
        return ResultCache(_DiskStore(folder), f"disk {folder}")
    except Exception as problem:  # noqa: BLE001 - the server must run without its cache
        log.warning("result cache: cannot open (%s); results are kept in this process only", problem)
        return ResultCache(_NoStore(), "this process only")


@lru_cache(maxsize=1)
def shared_result_cache() -> ResultCache:
    """This process's :class:`ResultCache`, opened from the environment on first use."""
    return open_result_cache()
