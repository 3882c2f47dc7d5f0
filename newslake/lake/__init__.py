"""The lake: layout, parts, manifests and the one commit (see `layout` for the map)."""

from newslake.lake.commit import (
    Transaction,
    collect_garbage,
    commit,
    prune,
    recover,
    switch_current,
)
from newslake.lake.layout import Lake, LakeError, Manifest, Part, TableState
from newslake.lake.lock import LakeBusy, publisher_lock

__all__ = [
    "Lake",
    "LakeBusy",
    "LakeError",
    "Manifest",
    "Part",
    "TableState",
    "Transaction",
    "collect_garbage",
    "commit",
    "prune",
    "publisher_lock",
    "recover",
    "switch_current",
]
