"""What every command shares: the root group, the state, errors and input helpers.

User errors (bad files, bad options, unreachable database) print one line and exit 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from collectors.errors import CollectorError
from efficiency.config import Config, ConfigError, load_config
from efficiency.ingest.errors import InputError
from efficiency.ingest.validation import input_error
from efficiency.logs import FORMATS, setup_logging
from efficiency.remediate.errors import PlaybookError, ProposalError
from efficiency.services import ServicesError
from efficiency.serving import BindError
from efficiency.store.db import Database, DatabaseError
from efficiency.store.incident_queries import TransitionError
from efficiency.store.paging import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT, CursorError

if TYPE_CHECKING:
    from efficiency.daemon import Pipeline

USER_ERRORS = (
    InputError, ConfigError, DatabaseError, CollectorError, TransitionError, ServicesError,
    ProposalError, PlaybookError, BindError,
)  # fmt: skip


class UserError(click.ClickException):
    exit_code = 2


class Cli(click.Group):
    """Turns every expected failure into one clear line and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            raise UserError(str(exc)) from None
        except CursorError as exc:
            raise UserError(f"--cursor: {exc}") from None
        except ValidationError as exc:
            raise UserError(str(input_error(exc))) from None
        except OperationalError as exc:
            raise UserError(f"database unavailable: {exc.orig}") from None


class State:
    """What every command shares: the configuration and, opened on first use, the store."""

    def __init__(self, config_path: str | None, db_url: str | None) -> None:
        self.config_path, self.db_url = config_path, db_url
        self._config: Config | None = None
        self._db: Database | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
            if self.db_url:
                self._config.database.url = self.db_url
        return self._config

    def db(self, create: bool = True) -> Database:
        """The store, its schema brought up to date. ``create=False`` (commands that only
        read or change existing records) refuses a SQLite file whose folder is missing
        instead of making the folder and an empty database."""
        if self._db is None:
            self._db = Database(self.config.database.url, create=create)
            self._db.upgrade()
        return self._db

    def pipeline(self, create: bool = True) -> Pipeline:
        """The configured stages over the store (reads and checks the services file)."""
        from efficiency.daemon import Pipeline

        return Pipeline(self.config, self.db(create))


pass_state = click.make_pass_decorator(State)


def fail(message: str) -> NoReturn:
    raise UserError(message)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), envvar="EFFICIENCY_CONFIG",
    help="TOML configuration file (default: $EFFICIENCY_CONFIG).",
)  # fmt: skip
@click.option("--db", "db_url", help="Database URL or SQLite path (overrides database.url).")
@click.version_option(package_name="efficiency")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db_url: str | None) -> None:
    """efficiency: find wasted compute and what is breaking, from profiles, alerts and changes."""
    ctx.obj = State(config_path, db_url)


def read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except IsADirectoryError:
        fail(f"{path}: is a folder, not a file")
    except OSError as exc:
        fail(f"{path}: {exc.strerror}")


def decode_text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")


def in_file(path: str, fn: Callable[[], Any]) -> Any:
    """Run a parser, prefixing any input error with the file name."""
    try:
        return fn()
    except InputError as exc:
        raise InputError(f"{path}: {exc.field}" if exc.field else path, exc.message) from None


#: a record id as the store keeps them (1 to 2^63-1): larger ones are refused, not looked up
RECORD_ID = click.IntRange(1, MAX_ID)


def paged(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--limit`` and ``--cursor`` for a list command (keyset paging, newest first)."""
    cursor = click.option(
        "--cursor", default=None, metavar="CURSOR",
        help="Start after this cursor (printed on stderr when more rows follow).",
    )  # fmt: skip
    limit = click.option(
        "--limit", type=click.IntRange(1, MAX_LIMIT), default=DEFAULT_LIMIT,
        show_default=True, help="At most this many rows.",
    )  # fmt: skip
    return limit(cursor(fn))


def next_page_note(cursor: str | None, command: str) -> None:
    """Say on stderr how to get the next page, so stdout (``--json``) stays one array."""
    if cursor is not None:
        click.echo(f"more: {command} --cursor {cursor}", err=True)


log_format_option = click.option(
    "--log-format", type=click.Choice(FORMATS), default=None,
    help="Log lines on stderr: text, or json (one object a line); default: logging.format.",
)  # fmt: skip


def start_logging(state: State, log_format: str | None) -> None:
    """Configure the log lines as --log-format, else logging.format and logging.level say."""
    cfg = state.config.logging
    setup_logging(log_format or cfg.format, cfg.level)
