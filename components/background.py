"""The manager that runs the app's background callbacks (e.g. the survival sweep).

By default jobs run in a subprocess of the web server and hand their progress and
results over through a :class:`diskcache.Cache` in ``.cache/background-callbacks``
(gitignored; ``KIZUNA_CACHE_DIR`` moves ``.cache``). When ``REDIS_URL`` is set, jobs go to
Celery workers through Redis instead (``pip install -r requirements-celery.txt``,
then ``celery -A app:celery_app worker --pool=solo``; see
``docs/background-workers.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from resilience.result_cache import REDIS_URL_ENV, cache_dir, redis_url

BACKGROUND_FOLDER = "background-callbacks"
CELERY_APP_NAME = "kizuna"
#: Seconds Redis keeps a finished job's result; the browser collects it within a second or two.
CELERY_RESULT_EXPIRES_S = 3600


def background_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Folder of the background jobs' diskcache: ``background-callbacks`` in the folder of Kizuna's caches."""
    return cache_dir(environ) / BACKGROUND_FOLDER


@lru_cache(maxsize=4)
def celery_app(url: str) -> Any:
    """One Celery app per Redis URL, broker and result backend both on ``url``.

    Cached so that the web process and a worker that builds the Dash app register
    the background callbacks on the same Celery app object.

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
    app.conf.update(result_expires=CELERY_RESULT_EXPIRES_S, broker_connection_retry_on_startup=True)
    return app


def background_callback_manager(environ: Mapping[str, str] | None = None) -> Any:
    """The background-callback manager to pass to ``Dash(background_callback_manager=...)``.

    Parameters
    ----------
    environ : mapping, optional
        Environment to read ``REDIS_URL`` and ``KIZUNA_CACHE_DIR`` from; default ``os.environ``.

    Returns
    -------
    dash.CeleryManager or dash.DiskcacheManager
        Celery with Redis when ``REDIS_URL`` is set, else diskcache in :func:`cache_dir`.
    """
    url = redis_url(environ)
    if url is not None:
        from dash import CeleryManager

        return CeleryManager(celery_app(url))

    import diskcache
    from dash import DiskcacheManager

    folder = background_cache_dir(environ)
    folder.mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)))


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
    create_app()
    return celery_app(url)
