"""Publishing a table version: validate it, check its period against history, write one new file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from rules.errors import TableValidationError, VersionConflictError
from rules.findings import Finding
from rules.tableio import table_to_dict
from rules.versions import TableRegistry, TableVersion, check_timeline, make_version


def publish(
    key: str, table_dict: dict[str, Any], effective_from: date, directory: Path, effective_to: date | None = None
) -> TableVersion:
    """Validate a table and write it as a new version file; refuses invalid tables and overlapping periods."""
    if table_dict.get("key", key) != key:
        raise TableValidationError("key mismatch", [Finding("structure", "error", f"table key is not {key!r}")])
    data = {**table_dict, "key": key, "effective_from": effective_from, "effective_to": effective_to}
    new = make_version(data)
    registry = TableRegistry.load(directory)
    check_timeline(registry.versions(key) if key in registry.keys() else [], new)
    path = directory / key / f"{effective_from.isoformat()}.yaml"
    if path.exists():
        raise VersionConflictError(f"{path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# {key} version {new.version}\n# Published file: never edit, publish a new version instead.\n"
    body = yaml.safe_dump(table_to_dict(new.table), sort_keys=False, allow_unicode=True, width=110)
    path.write_text(header + body, encoding="utf-8")
    return TableVersion(new.key, new.version, new.effective_from, new.effective_to, new.compiled, new.findings, path)
