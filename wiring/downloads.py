"""Downloads and scenario files: the bar under the top bar, and the Survival and V2H pages' own downloads.

The bar (:func:`download_bar`, in the app shell, so on every page) names the scenario
the top bar carries (the query of its Overview link, which follows the scenario page on
screen and is kept on the other pages, see app.py) and offers, for it, the PDF briefing
and the standalone HTML report (with a *prepared by* name), the hourly tables as CSV and
the Excel workbook, all built by :mod:`reports` from the server's cached run
(:func:`components.results_cache.simulation`); "Save scenario" writes
:func:`reports.scenario_files.dump`, and "Load scenario" reads a file back with
:func:`reports.scenario_files.load` and opens it on the scenario page on screen (the
Overview from another page) through its link, so the controls and every figure follow.
A file that cannot be read changes nothing and names its problem in the shell's error banner.

The Survival page adds the sweep's CSV files (:func:`survival_downloads`) and the V2H
page the household's hourly table (:func:`v2h_downloads`). :func:`register_callbacks`
wires everything to an app.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import sys
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from components import ids
from components.background import computed_once, failure_message
from components.banners import problem_items
from components.results_cache import simulation
from components.url_state import link_states, scenario_page_href
from presentation.scenario_state import state_scenario
from presentation.scenario_text import scenario_summary
from presentation.text import TEXT
from reports.scenario_files import MAX_FILE_BYTES as UPLOAD_MAX_BYTES
from resilience.citydata import bundled_city_id, load_bundled_city
from resilience.errors import KizunaInputError
from resilience.records import Household, SurvivalSetup
from resilience.survival import SurvivalResult
from resilience.systems import find_facility, run_survival, survival_inputs
from resilience.v2h import household_backup

FILE_PREFIX = "kizuna"
REPO_ROOT = Path(__file__).resolve().parent.parent
#: The Download menu's button (the menu's <summary>): while a file is made it shows how far it got.
DOWNLOAD_MENU_BUTTON = "download-menu-button"
#: Folders whose files shape a report; a change to any of them makes the cached files stale.
REPORT_CODE_FOLDERS = ("reports", "presentation")
PREPARED_BY_MAX_CHARS = 80
#: Button id → what it downloads (see :func:`scenario_download`).
SCENARIO_DOWNLOADS: dict[str, str] = {
    ids.DOWNLOAD_PDF: "pdf",
    ids.DOWNLOAD_HTML: "html",
    ids.DOWNLOAD_CSV_DISTRICTS: "csv-districts",
    ids.DOWNLOAD_CSV_FACILITIES: "csv-facilities",
    ids.DOWNLOAD_CSV_CITY: "csv-city",
    ids.DOWNLOAD_XLSX: "xlsx",
}
#: What a kind of file is called while it is made (the label of its button).
KIND_LABELS = {"pdf": "download.pdf", "html": "download.html", "csv-districts": "download.csv_districts",
               "csv-facilities": "download.csv_facilities", "csv-city": "download.csv_city", "xlsx": "download.xlsx"}
#: Button id → which sweep table it downloads.
SWEEP_DOWNLOADS: dict[str, str] = {ids.SURVIVAL_DOWNLOAD_STARTS: "starts", ids.SURVIVAL_DOWNLOAD_CURVE: "probability"}
#: Columns of the V2H estimate's hourly table → names that carry their unit.
V2H_HOURLY_COLUMNS = {"soc": "soc_fraction"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Every look of the bar, the menu and the page rows is a class of assets/dashboard.css (.download-…).


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def file_stem(state: Mapping[str, Any]) -> str:
    """``kizuna-<city>-<preset>``, the start of every file name of a shared state.

    Examples
    --------
    >>> file_stem({"city": "saitama", "scenario": {"preset": "tohoku-2011"}})
    'kizuna-saitama-tohoku-2011'
    """
    return f"{FILE_PREFIX}-{state['city']}-{state['scenario']['preset']}"


@lru_cache(maxsize=1)
def report_code_fingerprint() -> str:
    """SHA-256 of the files in :data:`REPORT_CODE_FOLDERS` (the engine's own code is in every cache key already)."""
    digest = hashlib.sha256()
    for folder in REPORT_CODE_FOLDERS:
        for path in sorted((REPO_ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".j2", ".css", ".html"}:
                digest.update(path.relative_to(REPO_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _no_progress(_message: str) -> None:
    return None


def scenario_download(kind: str, state: Mapping[str, Any], prepared_by: str = "",
                      set_progress: Callable[[str], Any] = _no_progress) -> dict[str, Any]:
    """One download of the shared scenario, as ``dcc.Download`` data, made once per scenario, name and day.

    The file is kept in the shared result cache (:func:`components.background.computed_once`), keyed on the
    kind, the state, the *prepared by* name, the day (a report prints its date) and the code of the reports:
    a second request for the same file, by anyone and even while the first is still being made, gets the
    first one's bytes.

    Parameters
    ----------
    kind : {"pdf", "html", "csv-districts", "csv-facilities", "csv-city", "xlsx"}
        The PDF briefing, the standalone HTML report, an hourly table as CSV, or the
        Excel workbook.
    state : mapping
        The shared state, ``{"city": id, "scenario": Scenario.to_dict()}``.
    prepared_by : str
        Name printed on the report's title page (PDF and HTML only).
    set_progress : callable, optional
        Told what is being done (a text for the Download menu's button) when the file is made.

    Returns
    -------
    dict
        What ``dcc.send_bytes`` / ``dcc.send_string`` return, named like
        ``kizuna-saitama-tohoku-2011.pdf``.

    Raises
    ------
    KizunaInputError
        For a state the engine rejects, an unknown ``kind``, or a workbook too big for Excel.
    """
    if kind not in KIND_LABELS:
        raise KizunaInputError(f"download: kind = {kind!r}: must be one of {', '.join(SCENARIO_DOWNLOADS.values())}")
    name = (prepared_by or "").strip()[:PREPARED_BY_MAX_CHARS]
    inputs = {"kind": kind, "state": dict(state), "prepared_by": name, "day": dt.date.today().isoformat(),
              "reports": report_code_fingerprint()}
    return computed_once("download", inputs, lambda: _make_download(kind, state, name, set_progress))


def _make_download(kind: str, state: Mapping[str, Any], name: str,
                   set_progress: Callable[[str], Any]) -> dict[str, Any]:
    import reports
    from reports import exports

    city_id, stem = state["city"], file_stem(state)
    set_progress(TEXT["download.progress_simulating"])
    result = simulation(state)
    set_progress(TEXT["download.progress_building"].format(kind=TEXT[KIND_LABELS[kind]]))
    if kind == "pdf":
        pdf = reports.build_pdf(city_id, state_scenario(state), name, result=result)
        return dcc.send_bytes(pdf, f"{stem}.pdf", type="application/pdf")
    if kind == "html":
        page = reports.build_html(city_id, state_scenario(state), name, result=result)
        return dcc.send_string(page, f"{stem}.html", type="text/html")
    if kind == "xlsx":
        return dcc.send_bytes(exports.workbook(result, city_id=city_id), f"{stem}.xlsx", type=XLSX_MIME)
    table = kind.removeprefix("csv-")
    if kind.startswith("csv-") and table in exports.HOURLY_TABLES:
        return dcc.send_string(exports.hourly_csv(result, table), f"{stem}-{table}-hourly.csv", type="text/csv")
    raise KizunaInputError(f"download: kind = {kind!r}: must be one of {', '.join(SCENARIO_DOWNLOADS.values())}")


def scenario_file_download(state: Mapping[str, Any]) -> dict[str, Any]:
    """The shared scenario as a scenario file (``kizuna-<city>-<preset>.kizuna.json``), as ``dcc.Download`` data."""
    from reports.scenario_files import SUGGESTED_SUFFIX, dump

    text = dump(state["city"], state_scenario(state))
    return dcc.send_string(text, f"{file_stem(state)}{SUGGESTED_SUFFIX}", type="application/json")


def state_from_upload(contents: str) -> dict[str, Any]:
    """The shared state a ``dcc.Upload``-ed scenario file describes.

    Parameters
    ----------
    contents : str
        The upload's ``data:<type>;base64,<data>`` URL.

    Returns
    -------
    dict
        ``{"city": id, "scenario": Scenario.to_dict()}``.

    Raises
    ------
    KizunaInputError
        With :func:`reports.scenario_files.load`'s message (not JSON, wrong kind, newer
        or older version, a bad field …) or for an upload that is not base64 data.
    """
    from reports.scenario_files import FILE_LABEL, MAX_UPLOAD_CHARS, load

    _, comma, payload = contents.partition(",")
    if len(payload) > MAX_UPLOAD_CHARS:  # refused before decoding: a scenario file is about 1 kB
        raise KizunaInputError(f"{FILE_LABEL}: the file is larger than {UPLOAD_MAX_BYTES // 1000:,} kB; "
                               "a scenario file saved by Kizuna is about 1 kB")
    try:
        data = base64.b64decode(payload, validate=True) if comma else None
    except binascii.Error:
        data = None
    if data is None:
        raise KizunaInputError(f"{FILE_LABEL}: the upload could not be read; choose the file again")
    city_id, scenario = load(data)
    return {"city": city_id, "scenario": scenario.to_dict()}


def v2h_hourly_frame(hourly: pd.DataFrame) -> pd.DataFrame:
    """The V2H estimate's hourly table for a CSV: ISO 8601 local ``time`` with its offset, unit-suffixed columns.

    Parameters
    ----------
    hourly : pandas.DataFrame
        :attr:`resilience.v2h.V2HEstimate.hourly`, indexed by tz-aware local time.

    Returns
    -------
    pandas.DataFrame
        ``time`` (e.g. ``2011-03-11T14:00:00+09:00``), ``hours_since_start_h``, the kW
        columns (mean power in the hour, = kWh in the hour) and ``soc_fraction``.
    """
    index = pd.DatetimeIndex(hourly.index)
    if index.tz is None:
        raise KizunaInputError("V2H export: the hourly table has no time zone")
    stamps = pd.Series(index.strftime("%Y-%m-%dT%H:%M:%S%z"))
    frame = hourly.rename(columns=V2H_HOURLY_COLUMNS).reset_index(drop=True)
    frame.insert(0, "hours_since_start_h", range(len(frame)))
    frame.insert(0, "time", stamps.str[:-2] + ":" + stamps.str[-2:])
    return frame


def v2h_hourly_download(v2h_state: Mapping[str, Any]) -> dict[str, Any]:
    """The V2H page's hourly table as CSV (``kizuna-v2h-<city>-<car>-hourly.csv``), as ``dcc.Download`` data.

    ``v2h_state`` is the page's store, ``{"household": Household.to_dict(), ...}``: the
    estimate on screen, taken from the page's own cache.
    """
    from reports.exports import csv_text

    household = Household.from_dict(dict(v2h_state["household"]))
    bundled_city_id(household.city_id)  # the browser's store names a bundled city, never a path
    frame = v2h_hourly_frame(household_backup(household).estimate.hourly)
    name = f"{FILE_PREFIX}-v2h-{household.city_id}-{household.vehicle_id}-hourly.csv"
    return dcc.send_string(csv_text(frame), name, type="text/csv")


def sweep_of(setup: Mapping[str, Any]) -> SurvivalResult:
    """The survival sweep of a Survival-page setup (``SurvivalSetup.to_dict()``).

    The page's background worker already swept it; the shared result cache hands that result over.
    """
    setup = SurvivalSetup.from_dict(dict(setup))
    bundled_city_id(setup.household.city_id)  # the browser's store names a bundled city, never a path
    return run_survival(survival_inputs(setup), setup.max_duration_h)


def sweep_download(table: str, setup: Mapping[str, Any]) -> dict[str, Any]:
    """The sweep's hours per start (``"starts"``) or its probability curve (``"probability"``) as CSV download data.

    Named ``kizuna-survival-<city>-<facility or car>-<horizon>h-<table>.csv``.
    """
    from reports import exports

    record = SurvivalSetup.from_dict(dict(setup))
    sweep = sweep_of(setup)
    if record.source == "facility":
        subject = find_facility(load_bundled_city(record.household.city_id), record.facility_id).id
    else:
        subject = record.household.vehicle_id
    stem = f"{FILE_PREFIX}-survival-{record.household.city_id}-{subject}-{record.max_duration_h}h"
    if table == "starts":
        return dcc.send_string(exports.survival_csv(sweep), f"{stem}-starts.csv", type="text/csv")
    if table == "probability":
        return dcc.send_string(exports.survival_probability_csv(sweep), f"{stem}-probability.csv", type="text/csv")
    raise KizunaInputError(f"download: table = {table!r}: must be one of {', '.join(SWEEP_DOWNLOADS.values())}")


def forget_image_server_after_fork() -> None:
    """In a forked process, drop the parent's kaleido image server (:mod:`reports.images`).

    A download job is a process forked from the web server (or a Celery prefork worker). If the parent had
    started kaleido's image server, the child inherits the flag that says it runs, but not its thread: the
    first chart would wait for ever. The child starts its own server instead (and fresh locks, which the
    parent may have held at the fork).
    """
    images = sys.modules.get("reports.images")
    if images is None:
        return
    import kaleido

    if kaleido._global_server.is_running():
        kaleido._global_server._initialized = False
    images._server_started = False
    images._server_lock = threading.Lock()
    images._render_lock = threading.Lock()


os.register_at_fork(after_in_child=forget_image_server_after_fork)


# --------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------


def _button_class(primary: bool) -> str:
    return "button button-compact" if primary else "button button-secondary button-compact"


def _button(text_key: str, component_id: str, *, primary: bool = False) -> html.Button:
    return html.Button(TEXT[text_key], id=component_id, type="button", n_clicks=0, className=_button_class(primary))


def _group(label_key: str, buttons: list[html.Button]) -> html.Div:
    return html.Div(className="download-group", role="group", **{"aria-label": TEXT[label_key]},
                    children=[html.Span(TEXT[label_key], className="download-group-label"),
                              html.Div(buttons, className="download-group-buttons")])


def download_bar() -> html.Div:
    """The bar under the top bar: which scenario, the "Download" menu, "Save scenario" and "Load scenario"."""
    panel = html.Div(className="download-panel", children=[
        html.Div(className="field", children=[
            html.Label(TEXT["download.prepared_by"], htmlFor=ids.DOWNLOAD_PREPARED_BY, className="field-label"),
            dcc.Input(id=ids.DOWNLOAD_PREPARED_BY, type="text", value="", maxLength=PREPARED_BY_MAX_CHARS,
                      placeholder=TEXT["download.prepared_by_placeholder"], className="text-input",
                      autoComplete="organization"),
        ]),
        _group("download.group_report", [_button("download.pdf", ids.DOWNLOAD_PDF, primary=True),
                                         _button("download.html", ids.DOWNLOAD_HTML)]),
        _group("download.group_data", [_button("download.csv_districts", ids.DOWNLOAD_CSV_DISTRICTS),
                                       _button("download.csv_facilities", ids.DOWNLOAD_CSV_FACILITIES),
                                       _button("download.csv_city", ids.DOWNLOAD_CSV_CITY),
                                       _button("download.xlsx", ids.DOWNLOAD_XLSX)]),
        dcc.Loading(
            html.Div(dcc.Download(id=ids.DOWNLOAD_FILE), className="download-status"),
            target_components={ids.DOWNLOAD_FILE: "data"},
            custom_spinner=html.Span(
                [html.Progress(className="download-progress"),
                 TEXT["download.preparing"]],
                role="status", className="download-preparing"),
            delay_show=150, show_initially=False,
        ),
        html.P(TEXT["download.hint"], className="field-hint download-hint"),
    ])
    return html.Div(id=ids.DOWNLOAD_BAR, className="download-bar", children=[
        html.Span(id=ids.DOWNLOAD_SCENARIO, className="download-bar-scenario"),
        html.Details(id=ids.DOWNLOAD_MENU, className="download-menu", children=[
            html.Summary(TEXT["download.menu"], id=DOWNLOAD_MENU_BUTTON,
                         className="button button-compact download-menu-button"),
            panel,
        ]),
        _button("scenario_file.save", ids.SCENARIO_FILE_SAVE),
        dcc.Download(id=ids.SCENARIO_FILE_DOWNLOAD),
        dcc.Upload(
            id=ids.SCENARIO_FILE_LOAD, accept=".json,application/json", multiple=False, max_size=UPLOAD_MAX_BYTES,
            className=_button_class(primary=False),
            children=html.Span(TEXT["scenario_file.load"], title=TEXT["scenario_file.load_hint"]),
        ),
    ])


def survival_downloads() -> html.Div:
    """The Survival page's row of sweep downloads (hours per start, probability curve) and what it needs."""
    return html.Div(className="page-downloads", children=[
        html.Span(TEXT["download.survival_label"], className="page-downloads-label"),
        _button("download.survival_starts", ids.SURVIVAL_DOWNLOAD_STARTS),
        _button("download.survival_curve", ids.SURVIVAL_DOWNLOAD_CURVE),
        html.Span(id=ids.SURVIVAL_DOWNLOAD_STATUS, role="status", className="page-downloads-status"),
        dcc.Download(id=ids.SURVIVAL_DOWNLOAD_FILE),
        dcc.Store(id=ids.SURVIVAL_SWEPT),
    ])


def v2h_downloads() -> html.Div:
    """The V2H page's download of the household's hourly table."""
    return html.Div(className="page-downloads", children=[
        html.Span(TEXT["download.v2h_label"], className="page-downloads-label"),
        _button("download.v2h_hourly", ids.V2H_DOWNLOAD_HOURLY),
        html.Span(id=ids.V2H_DOWNLOAD_STATUS, role="status", className="page-downloads-status"),
        dcc.Download(id=ids.V2H_DOWNLOAD_FILE),
    ])


def show_scenario(state: dict | None) -> tuple:
    """The bar's line naming the scenario the downloads are of (and the same as a tooltip)."""
    if state is None:
        return no_update, no_update
    try:
        line = TEXT["download.scenario"].format(summary=scenario_summary(state))
    except KizunaInputError:
        return no_update, no_update
    return line, line


def download_for_scenario(*args: Any, set_progress: Callable[[str], Any] = _no_progress) -> tuple:
    """The file of the pressed button for the shared scenario.

    Called with the six buttons' ``n_clicks``, the shared state and the *prepared by*
    name. Returns ``(download data, banner children, banner hidden)``; on a
    :class:`KizunaInputError` no file, and its messages in the banner.
    """
    *_clicks, state, prepared_by = args
    kind = SCENARIO_DOWNLOADS.get(ctx.triggered_id)
    if kind is None or state is None:
        return no_update, no_update, no_update
    try:
        return scenario_download(kind, state, prepared_by or "", set_progress), no_update, no_update
    except KizunaInputError as error:
        return no_update, problem_items(TEXT["download.error_heading"], error.problems), False


def download_failed(error: Exception) -> tuple:
    """The download callback's outputs when its job could not deliver (workers away, job lost or failed)."""
    return no_update, problem_items(TEXT["download.error_heading"], [failure_message(error)]), False


def save_scenario_file(n_clicks: int | None, state: dict | None) -> tuple:
    """The shared scenario as a scenario file; ``(download data, banner children, banner hidden)``."""
    if not n_clicks or state is None:
        return no_update, no_update, no_update
    try:
        return scenario_file_download(state), no_update, no_update
    except KizunaInputError as error:
        return no_update, problem_items(TEXT["download.error_heading"], error.problems), False


def load_scenario_file(contents: str | None, filename: str | None, state: dict | None) -> tuple:
    """Replace the shared state by an uploaded scenario file's, or name what is wrong with the file.

    Returns
    -------
    tuple
        ``(state, banner children, banner hidden, upload contents)``: on failure the
        state is ``no_update`` (nothing on screen changes) and the banner lists the
        problems; the upload is emptied either way, so the same file can be chosen again.
    """
    if not contents:
        return no_update, no_update, no_update, no_update
    try:
        new_state = state_from_upload(contents)
    except KizunaInputError as error:
        heading = TEXT["scenario_file.load_error"].format(filename=filename or TEXT["scenario_file.unnamed"])
        return no_update, problem_items(heading, error.problems), False, None
    return (no_update if new_state == state else new_state), [], True, None


def show_carried_scenario(href: str | None) -> tuple:
    """:func:`show_scenario` of the scenario the top bar carries (its Overview link's query)."""
    return show_scenario(link_states(href).state)


def download_carried_scenario(*args: Any, set_progress: Callable[[str], Any] = _no_progress) -> tuple:
    """:func:`download_for_scenario` of the scenario the top bar carries: ``(*clicks, href, prepared_by)``."""
    *clicks, href, prepared_by = args
    return download_for_scenario(*clicks, link_states(href).state, prepared_by, set_progress=set_progress)


def download_carried_scenario_job(set_progress: Callable[[str], Any], *args: Any) -> tuple:
    """:func:`download_carried_scenario` as a background job: the PDF or workbook is made off the web worker,
    and what is being done shows on the Download menu's button."""
    return download_carried_scenario(*args, set_progress=set_progress)


def save_carried_scenario(n_clicks: int | None, href: str | None) -> tuple:
    """:func:`save_scenario_file` of the scenario the top bar carries."""
    return save_scenario_file(n_clicks, link_states(href).state)


def load_carried_scenario(contents: str | None, filename: str | None, href: str | None,
                          pathname: str | None) -> tuple:
    """:func:`load_scenario_file`, then open the loaded scenario on the scenario page on screen (the
    Overview from another page), through its link, so its controls, figures and link follow.

    Returns ``(location href, banner children, banner hidden, upload contents)``.
    """
    carried = link_states(href)
    new_state, banner, hidden, emptied = load_scenario_file(contents, filename, carried.state)
    target = no_update if new_state is no_update else scenario_page_href(pathname, new_state, carried.view)
    return target, banner, hidden, emptied


def remember_swept_setup(_n_clicks: int | None, survival_state: dict | None) -> Any:
    """The setup the Survival page sweeps when Run is pressed (and on load), so its CSV matches the figures."""
    if not isinstance(survival_state, dict) or not isinstance(survival_state.get("setup"), dict):
        return no_update
    try:  # kept only as the engine reads it: the store comes back from the browser
        return SurvivalSetup.from_dict(dict(survival_state["setup"])).to_dict()
    except KizunaInputError:
        return no_update


def download_sweep(_starts: int | None, _curve: int | None, setup: dict | None) -> tuple:
    """The swept setup's hours per start or probability curve as CSV; ``(download data, status text)``."""
    table = SWEEP_DOWNLOADS.get(ctx.triggered_id)
    if table is None or not setup or not isinstance(setup, dict):
        return no_update, no_update
    try:
        return sweep_download(table, setup), ""
    except KizunaInputError as error:
        return no_update, " ".join(error.problems)


def download_v2h_hourly(n_clicks: int | None, v2h_state: dict | None) -> tuple:
    """The V2H estimate on screen, hour by hour, as CSV; ``(download data, status text)``."""
    if not n_clicks or not v2h_state:
        return no_update, no_update
    try:
        return v2h_hourly_download(v2h_state), ""
    except KizunaInputError as error:
        return no_update, " ".join(error.problems)


#: Downloads built as background jobs: the workbook (every table of the run; seconds of work). The CSV files
#: take tens of milliseconds, less than forking a job. The PDF and HTML briefings are answered in the request
#: (a thread of a gunicorn worker) for now: they draw their charts with kaleido's Chromium, and a job forked
#: from a process whose kaleido server is running was seen to hang in it for good (CI, 3 December 2026).
BACKGROUND_DOWNLOADS = frozenset({ids.DOWNLOAD_XLSX})


def register_callbacks(app: Dash) -> None:
    """Wire the bar, the scenario files and the pages' downloads to ``app`` (called by ``create_app``)."""
    app.callback(
        Output(ids.DOWNLOAD_SCENARIO, "children"),
        Output(ids.DOWNLOAD_SCENARIO, "title"),
        Input(ids.NAV_OVERVIEW, "href"),
    )(show_carried_scenario)
    buttons = [button for button in SCENARIO_DOWNLOADS if button in BACKGROUND_DOWNLOADS]
    at_once = [button for button in SCENARIO_DOWNLOADS if button not in BACKGROUND_DOWNLOADS]
    app.callback(
        Output(ids.DOWNLOAD_FILE, "data", allow_duplicate=True),
        Output(ids.URL_ERROR, "children", allow_duplicate=True),
        Output(ids.URL_ERROR, "hidden", allow_duplicate=True),
        *[Input(button, "n_clicks") for button in at_once],
        State(ids.NAV_OVERVIEW, "href"),
        State(ids.DOWNLOAD_PREPARED_BY, "value"),
        running=[(Output(button, "disabled"), True, False) for button in at_once],
        prevent_initial_call=True,
    )(download_carried_scenario)
    app.callback(
        Output(ids.DOWNLOAD_FILE, "data"),
        Output(ids.URL_ERROR, "children", allow_duplicate=True),
        Output(ids.URL_ERROR, "hidden", allow_duplicate=True),
        *[Input(button, "n_clicks") for button in buttons],
        State(ids.NAV_OVERVIEW, "href"),
        State(ids.DOWNLOAD_PREPARED_BY, "value"),
        background=True,
        progress=[Output(DOWNLOAD_MENU_BUTTON, "children")],
        progress_default=[TEXT["download.menu"]],
        running=[(Output(button, "disabled"), True, False) for button in buttons],
        interval=500,
        on_error=download_failed,
        prevent_initial_call=True,
    )(download_carried_scenario_job)
    app.callback(
        Output(ids.SCENARIO_FILE_DOWNLOAD, "data"),
        Output(ids.URL_ERROR, "children", allow_duplicate=True),
        Output(ids.URL_ERROR, "hidden", allow_duplicate=True),
        Input(ids.SCENARIO_FILE_SAVE, "n_clicks"),
        State(ids.NAV_OVERVIEW, "href"),
        prevent_initial_call=True,
    )(save_carried_scenario)
    app.callback(
        Output(ids.URL, "href"),
        Output(ids.URL_ERROR, "children", allow_duplicate=True),
        Output(ids.URL_ERROR, "hidden", allow_duplicate=True),
        Output(ids.SCENARIO_FILE_LOAD, "contents"),
        Input(ids.SCENARIO_FILE_LOAD, "contents"),
        State(ids.SCENARIO_FILE_LOAD, "filename"),
        State(ids.NAV_OVERVIEW, "href"),
        State(ids.URL, "pathname"),
        prevent_initial_call=True,
    )(load_carried_scenario)
    app.callback(
        Output(ids.SURVIVAL_SWEPT, "data"),
        Input(ids.SURVIVAL_RUN, "n_clicks"),
        State(ids.SURVIVAL_STATE, "data"),
    )(remember_swept_setup)
    app.callback(
        Output(ids.SURVIVAL_DOWNLOAD_FILE, "data"),
        Output(ids.SURVIVAL_DOWNLOAD_STATUS, "children"),
        Input(ids.SURVIVAL_DOWNLOAD_STARTS, "n_clicks"),
        Input(ids.SURVIVAL_DOWNLOAD_CURVE, "n_clicks"),
        State(ids.SURVIVAL_SWEPT, "data"),
        prevent_initial_call=True,
    )(download_sweep)
    app.callback(
        Output(ids.V2H_DOWNLOAD_FILE, "data"),
        Output(ids.V2H_DOWNLOAD_STATUS, "children"),
        Input(ids.V2H_DOWNLOAD_HOURLY, "n_clicks"),
        State(ids.V2H_STATE, "data"),
        prevent_initial_call=True,
    )(download_v2h_hourly)
