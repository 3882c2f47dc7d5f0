"""Versions: list and verify them (`catalog`), publish one (`publish`, the one way in),
go back to one (`rollback`), merge small parts (`compact`), mend damaged parts (`repair`)."""

from newslake.versions.catalog import (
    MAIN_TABLES,
    VersionInfo,
    files_of,
    list_versions,
    manifest_of,
    open_lake,
    query_version,
    verify_version,
    version_connection,
    version_name,
)
from newslake.versions.rollback import rollback_to

__all__ = [
    "MAIN_TABLES",
    "VersionInfo",
    "files_of",
    "list_versions",
    "manifest_of",
    "open_lake",
    "query_version",
    "rollback_to",
    "verify_version",
    "version_connection",
    "version_name",
]
