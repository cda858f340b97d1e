"""The database connection: SQLite tuned for a bot (WAL, foreign keys, busy timeout).

One short session per unit of work (`session_scope`), and the schema brought
up to date with Alembic when the bot or a command starts (`upgrade_schema`). A
database already at `SCHEMA_HEAD` is only read, never migrated: Alembic (a quarter
of a second to import) is loaded only when there is something to do.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration in db/migrations/versions (a test holds the two together).
SCHEMA_HEAD = "0014"
BUSY_TIMEOUT_MS = 5000


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Set the pragmas every SQLite connection needs."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created first."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
        path = url.split("///", 1)[-1] if "///" in url else ""
        if path in ("", ":memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            if not Path(path).exists():
                # Owner-only from the first byte: the file holds who speaks for whom.
                fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
                os.close(fd)
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _tune_sqlite)
    return engine


class SchemaTooNew(Exception):
    """The database was written by a newer dondoc: this version must not touch it."""


def known_revisions() -> set[str]:
    """Every schema revision this version of dondoc knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {revision.revision for revision in script.walk_revisions()}


def schema_revision(connection: Connection) -> str | None:
    """The database's schema revision; None for a new, empty database."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_revision(revision: str | None, source: str) -> None:
    """Refuse a schema this version does not know (written by a newer dondoc)."""
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNew(
            f"{source} has schema {revision}, newer than this dondoc knows "
            f"(up to {max(known_revisions())}): upgrade dondoc first"
        )


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent); refuse a newer one."""
    with engine.connect() as connection:
        if schema_revision(connection) == SCHEMA_HEAD:
            return
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        check_revision(schema_revision(connection), "the database")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def in_chunks(result: Any, size: int = 500) -> Iterator[Any]:
    """The rows of a result, fetched a few hundred at a time.

    Turning thousands of rows into objects is compiled code that holds the GIL until it
    returns: read in one go by a worker thread, it would stop the event loop that long.
    Between chunks the loop gets its turn.
    """
    for chunk in result.partitions(size):
        yield from chunk


class Work(Protocol):
    """What the statements of a chat turn need of a unit of work: its connection, and a
    place (`info`) for what is read once per unit (a `Session` is one, a `CoreWork` too)."""

    @property
    def info(self) -> dict[Any, Any]: ...

    def connection(self) -> Connection: ...


class CoreWork:
    """A unit of work on one Core connection, for the work every update does.

    The ORM's session keeps an identity map and flushes on commit; a chat turn runs only
    prebuilt Core statements and needs neither, and a session costs it a fifth of a
    millisecond more per update.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._info: dict[Any, Any] = {}

    @property
    def info(self) -> dict[Any, Any]:
        """What this unit of work has read once (the data revisions)."""
        return self._info

    def connection(self) -> Connection:
        """The unit's connection, in its transaction."""
        return self._connection


@contextmanager
def core_work(engine: Engine) -> Iterator[CoreWork]:
    """One unit of work of Core statements: commit on success, roll back on error."""
    with engine.begin() as connection:
        yield CoreWork(connection)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, always close."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_or_ignore(
    session: Session, model: type[SQLModel], values: dict[str, Any], *, unique: list[str]
) -> bool:
    """Insert a row unless one with the same `unique` columns exists; True if this call wrote it.

    Two processes doing it at once write one row and neither fails (a check-then-insert
    would raise IntegrityError in one of them).
    """
    statement = insert_ignoring(session.get_bind().dialect.name, model, unique)
    return session.connection().execute(statement.values(**values)).rowcount == 1


def insert_or_replace(dialect: str, model: type[SQLModel], key: list[str]) -> Any:
    """`INSERT … ON CONFLICT (key) DO UPDATE` of every other column: one statement."""
    statement = _dialect_insert(dialect, model)
    columns = [column.name for column in model.__table__.columns if column.name not in key]  # type: ignore[attr-defined]
    return statement.on_conflict_do_update(
        index_elements=key, set_={name: statement.excluded[name] for name in columns}
    )


def _dialect_insert(dialect: str, model: type[SQLModel]) -> Any:
    # Each dialect's module is imported when first used: PostgreSQL's costs 0.1 s at start.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(model)
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(model)
    raise RuntimeError(f"unsupported database: {dialect}")  # pragma: no cover


def insert_ignoring(dialect: str, model: type[SQLModel], unique: list[str]) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for the database at hand (one row or many)."""
    return _dialect_insert(dialect, model).on_conflict_do_nothing(index_elements=unique)
