"""The sweep's transactional store: ``DIR/sweep.sqlite`` (SQLite, from the standard library).

Finished work is never lost. The main process is the only writer: each chunk
of points is committed in one transaction, its rows and its record in
``chunks`` together, so after any interruption (Ctrl-C, a killed worker,
``kill -9`` of the main process, a full disk) the store holds whole chunks
only, and ``--resume`` computes exactly the chunks that are missing. The
database runs in WAL mode with ``synchronous=NORMAL``: a committed chunk
survives the death of the process (only a crash of the operating system can
lose the last few).

Tables:

``meta``     key/value: the store's format, the experiment's fingerprint and
             description, the column names and kinds, the number of points,
             the chunk size, and ``complete`` once every chunk is in.
``chunks``   one row per committed chunk: first and last point, seconds, engine.
``results``  one row per point: ``point``, one column per parameter and per
             measure (``c0``, ``c1``, ...: the names are in ``meta``) and ``error``
             (``""`` unless that point failed). Booleans are stored as 0/1, lists
             as JSON text.

:func:`open_sweep` reads a finished (or partial) sweep back:
:class:`Sweep` gives the experiment's description, the rows in point order,
a pandas DataFrame, and the summary.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import NegotiationError

FORMAT = 1
DB_NAME = "sweep.sqlite"


class StoreError(NegotiationError):
    """The output directory cannot hold this sweep (exists already, another experiment,
    not a sweep directory)."""


@dataclass(frozen=True)
class Column:
    """A column of the results: its name (a parameter path or a measure path), its role
    (``parameter`` or ``measure``) and the kind of its values."""

    name: str
    role: str
    kind: str
    label: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "kind": self.kind, "label": self.label}


def db_path(directory: str) -> str:
    return os.path.join(directory, DB_NAME)


def _connect(path: str) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=60, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def _to_sql(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "item"):
        return _to_sql(value.item(), kind)
    return value


def _from_sql(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if kind == "number":
        return float(value)
    return value


class Store:
    """The SQLite store of one sweep (see the module notes)."""

    def __init__(self, directory: str, con: sqlite3.Connection) -> None:
        self.directory = directory
        self.con = con
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        self.meta = {k: json.loads(v) for k, v in meta.items()}
        self.columns = [Column(**c) for c in self.meta["columns"]]
        self.n_points = int(self.meta["points"])
        self.chunk = int(self.meta["chunk"])

    # ------------------------------------------------------------------ create / open
    @classmethod
    def create(
        cls,
        directory: str,
        *,
        fingerprint: str,
        experiment: dict[str, Any],
        columns: Sequence[Column],
        points: int,
        chunk: int,
    ) -> Store:
        """A new store in ``directory`` (created if missing; an error if it holds files)."""
        if os.path.exists(directory):
            if not os.path.isdir(directory):
                raise StoreError(f"{directory}: exists and is not a directory")
            if os.listdir(directory):
                what = (
                    "holds a sweep; add --resume to finish it, or choose another --out"
                    if os.path.exists(db_path(directory))
                    else "exists and is not empty; choose another --out"
                )
                raise StoreError(f"{directory}: {what}")
        else:
            try:
                os.makedirs(directory)
            except OSError as exc:
                raise StoreError(f"{directory}: cannot create: {exc.strerror or exc}") from None
        tmp = db_path(directory) + ".new"
        if os.path.exists(tmp):
            os.unlink(tmp)
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            cols = ", ".join(f"{_col(j, c)}" for j, c in enumerate(columns))
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.execute(
                "CREATE TABLE chunks (chunk INTEGER PRIMARY KEY, first INTEGER NOT "
                "NULL, last INTEGER NOT NULL, seconds REAL, engine TEXT, finished REAL)"
            )
            con.execute(
                f"CREATE TABLE results (point INTEGER PRIMARY KEY, {cols}, error TEXT "
                "NOT NULL DEFAULT '')"
            )
            meta = {
                "format": FORMAT,
                "fingerprint": fingerprint,
                "experiment": experiment,
                "columns": [c.to_dict() for c in columns],
                "points": points,
                "chunk": chunk,
                "created": time.time(),
                "complete": False,
            }
            con.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [(k, json.dumps(v, default=str)) for k, v in meta.items()],
            )
        finally:
            con.close()
        os.replace(tmp, db_path(directory))  # the store appears whole or not at all
        return cls(directory, _connect(db_path(directory)))

    @classmethod
    def open(cls, directory: str) -> Store:
        path = db_path(directory)
        if not os.path.isfile(path):
            raise StoreError(f"{directory}: no sweep here ({DB_NAME} is missing)")
        try:
            con = _connect(path)
            store = cls(directory, con)
        except (sqlite3.DatabaseError, KeyError, ValueError) as exc:
            raise StoreError(f"{directory}: {DB_NAME} is not a sweep store ({exc})") from None
        if store.meta.get("format") != FORMAT:
            raise StoreError(
                f"{directory}: sweep store format {store.meta.get('format')}, "
                f"this version reads {FORMAT}"
            )
        return store

    def close(self) -> None:
        self.con.close()

    # ------------------------------------------------------------------ writing
    def done_chunks(self) -> set[int]:
        return {r[0] for r in self.con.execute("SELECT chunk FROM chunks")}

    def commit(
        self, chunk: int, first: int, rows: Sequence[Sequence[Any]], seconds: float, engine: str
    ) -> None:
        """Insert one chunk's rows (``[point, *values, error]``) and its record, atomically."""
        kinds = [c.kind for c in self.columns]
        marks = ", ".join("?" * (len(self.columns) + 2))
        simple = (bool, int, float, str, type(None))
        data = [
            tuple(r[:-1]) + (r[-1] or "",)
            if all(type(v) in simple for v in r)
            else (r[0], *[_to_sql(v, k) for v, k in zip(r[1:-1], kinds)], r[-1] or "")
            for r in rows
        ]
        last = first + len(rows) - 1
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            con.executemany(f"INSERT INTO results VALUES ({marks})", data)
            con.execute(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                (chunk, first, last, seconds, engine, time.time()),
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def set_meta(self, key: str, value: Any) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, default=str))
        )
        self.meta[key] = value

    # ------------------------------------------------------------------ reading
    def count(self) -> int:
        return int(self.con.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def failed(self) -> int:
        return int(self.con.execute("SELECT COUNT(*) FROM results WHERE error != ''").fetchone()[0])

    def rows(self, batch: int = 5_000) -> Iterator[list[tuple[Any, ...]]]:
        """Rows in point order, converted (booleans back to ``True``/``False``), in batches."""
        kinds = [c.kind for c in self.columns]
        cur = self.con.execute("SELECT * FROM results ORDER BY point")
        while True:
            got = cur.fetchmany(batch)
            if not got:
                return
            yield [(r[0], *[_from_sql(v, k) for v, k in zip(r[1:-1], kinds)], r[-1]) for r in got]

    def column_values(self, j: int, where: str = "", order: bool = False) -> Iterator[Any]:
        sql = f"SELECT c{j} FROM results WHERE c{j} IS NOT NULL"
        if where:
            sql += f" AND ({where})"
        if order:
            sql += f" ORDER BY c{j}"
        for (v,) in self.con.execute(sql):
            yield v

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, args).fetchall()


def _col(j: int, c: Column) -> str:
    affinity = {"number": "REAL", "integer": "INTEGER", "bool": "INTEGER"}.get(c.kind, "")
    return f"c{j} {affinity}".strip()


@dataclass
class Sweep:
    """A sweep read back from its directory (:func:`open_sweep`)."""

    directory: str
    store: Store

    @property
    def experiment(self) -> dict[str, Any]:
        """The experiment as recorded (``Experiment.to_dict()``)."""
        return self.store.meta["experiment"]

    @property
    def columns(self) -> list[Column]:
        return self.store.columns

    @property
    def complete(self) -> bool:
        return bool(self.store.meta.get("complete"))

    @property
    def names(self) -> list[str]:
        """Column names of the results: ``point``, parameters, measures, ``error``."""
        return ["point"] + [c.name for c in self.columns] + ["error"]

    def records(self) -> Iterator[dict[str, Any]]:
        names = self.names
        for batch in self.store.rows():
            for r in batch:
                yield dict(zip(names, r))

    def frame(self) -> Any:
        """The results as a pandas DataFrame (pandas needed: ``pip install
        'negotiation[dask]'``)."""
        from .tables import frame

        return frame(self)

    def summary(self) -> dict[str, Any]:
        """``summary.json`` of the sweep (computed from the store when not written yet)."""
        path = os.path.join(self.directory, "summary.json")
        if self.complete and os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
        from .summary import summarise

        return summarise(self)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Sweep:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_sweep(directory: str | os.PathLike) -> Sweep:
    """The sweep in ``directory`` (as written by ``negotiation sweep --out DIR``).

    Raises :class:`StoreError` when ``directory`` holds no sweep.
    """
    d = os.fspath(directory)
    return Sweep(d, Store.open(d))


__all__ = ["Column", "DB_NAME", "Store", "StoreError", "Sweep", "db_path", "open_sweep"]
