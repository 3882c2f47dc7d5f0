"""Arrow tables as the pandas frames GX validates well.

GX's SQL path does not work on duckdb-engine, so tables are validated with its pandas
datasource. GX facts this relies on (GX 1.24, pandas 3): `expect_column_values_to_be_between`
on a timezone-aware column parses string bounds with dateutil, so bounds must carry a
zone ("1900-01-01T00:00:00Z"); a naive bound, or a naive `datetime64[us]` column (pandas
3's default unit), makes the expectation raise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa


_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def _nullable_type(arrow_type: pa.DataType) -> Any:
    # Integers and booleans with nulls would otherwise become float64 / object; anything
    # else gets pandas' default (str, datetime64[us, UTC], object for lists).
    return _NULLABLE.get(arrow_type)


def frame_from_arrow(table: pa.Table) -> pd.DataFrame:
    """A pandas frame GX validates well from an Arrow table.

    Uses pyarrow's `to_pandas` (not DuckDB's `.df()`, which renders TIMESTAMPTZ in the
    session's local time zone and makes object columns of all-null strings):
    - zoned timestamps stay zoned and are put in UTC (`datetime64[us, UTC]`), so range
      checks with "...Z" string bounds work and reports print UTC;
    - integers/booleans become pandas' nullable dtypes (no float64 for int-with-nulls);
    - strings use pandas 3's `str` dtype; list<string> columns become object columns of
      numpy arrays (null checks work on them; don't use value expectations on them).
    """
    for i, fld in enumerate(table.schema):
        if pa.types.is_timestamp(fld.type) and fld.type.tz not in (None, "UTC"):
            utc = pa.timestamp(fld.type.unit, tz="UTC")  # same instants, metadata-only
            table = table.set_column(i, pa.field(fld.name, utc), table.column(i).cast(utc))
    return table.to_pandas(types_mapper=_nullable_type)


def hashable(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with list-like cells (numpy arrays, lists) turned into tuples.

    GX fingerprints every batch with `pd.util.hash_pandas_object`; list cells are
    unhashable, and GX then falls back to pickling the whole frame, twice per validation
    (~1.5 s per 50k articles). Tuples hash, keep null checks meaningful and cost ~10 ms.
    The caller's frame is not modified.
    """
    converted = {}
    for name in df.columns[df.dtypes == object]:
        col = df[name]
        first = col.first_valid_index()
        if first is not None and isinstance(col.loc[first], (np.ndarray, list)):
            converted[name] = col.map(_to_tuple)
    if not converted:
        return df
    out = df.copy(deep=False)
    for name, col in converted.items():
        out[name] = col
    return out


def _to_tuple(v: Any) -> Any:
    if isinstance(v, (np.ndarray, list)):
        return tuple(_to_tuple(x) for x in v)
    return v
