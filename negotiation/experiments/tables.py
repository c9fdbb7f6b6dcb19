"""The results as files and frames: ``results.csv``, ``results.parquet``, a pandas DataFrame.

Columns, in order: ``point``, one per parameter (its path as the experiment
names it), one per measure (its path), ``error`` (``""`` unless the point
failed). Rows are in point order. Everything is streamed from the store in
batches, so a sweep of any size is written with bounded memory; each file is
written to a temporary name and renamed into place.

Types: numbers are floats (``integer`` measures such as ``pareto.size`` are
integers), true/false are booleans (``true``/``false`` in the CSV), level names
and lists (as JSON text) are text; a missing value is empty (CSV) or null.
"""

from __future__ import annotations

import csv
import os
import tempfile
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .store import Sweep


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _replace_into(path: str, write: Any) -> str:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_csv(sweep: Sweep, path: str) -> str:
    """``results.csv`` (UTF-8, a header row, ``,`` separated)."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(sweep.names)
            for batch in sweep.store.rows():
                w.writerows([[_csv_value(v) for v in row] for row in batch])

    return _replace_into(path, write)


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    return {"bool": pa.bool_(), "number": pa.float64(), "integer": pa.int64()}.get(
        kind, pa.string()
    )


def write_parquet(sweep: Sweep, path: str) -> str | None:
    """``results.parquet``, or ``None`` when pyarrow is not installed."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None
    cols = sweep.columns
    schema = pa.schema(
        [("point", pa.int64())]
        + [(c.name, _arrow_type(c.kind)) for c in cols]
        + [("error", pa.string())]
    )

    def write(tmp: str) -> None:
        with pq.ParquetWriter(tmp, schema) as writer:
            wrote = False
            for batch in sweep.store.rows():
                arrays = [
                    pa.array([r[j] for r in batch], type=schema.field(j).type)
                    for j in range(len(schema))
                ]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                wrote = True
            if not wrote:
                writer.write_table(schema.empty_table())

    return _replace_into(path, write)


def frame(sweep: Sweep) -> Any:
    """The results as a pandas DataFrame (point order, typed columns)."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(
            "results as a DataFrame need pandas: pip install 'negotiation[dask]'"
        ) from None
    dtypes = {"bool": "boolean", "number": "float64", "integer": "Int64"}
    parts = []
    for batch in sweep.store.rows():
        parts.append(pd.DataFrame(batch, columns=sweep.names))
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=sweep.names)
    df["point"] = df["point"].astype("int64")
    for c in sweep.columns:
        kind = dtypes.get(c.kind)
        df[c.name] = df[c.name].astype(kind) if kind else df[c.name].astype(object)
    df["error"] = df["error"].astype(object)
    return df


__all__ = ["frame", "write_csv", "write_parquet"]
