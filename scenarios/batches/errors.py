"""The one refusal of a batch: a field, the line it is on (when the batch came as YAML) and why."""

from __future__ import annotations


class BatchError(ValueError):
    """A batch that cannot run as written; `field` is its path, e.g. `scenarios[2].modifiers[0].days`."""

    def __init__(self, field: str, detail: str, line: int | None = None) -> None:
        self.field, self.detail, self.line = field, detail, line
        where = f"line {line}, {field}" if line is not None else field
        super().__init__(f"{where}: {detail}")
