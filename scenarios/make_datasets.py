"""Write every named dataset as a spec request body: `python -m scenarios.make_datasets [--out DIR]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from decision_service.codec.encode_request import problem_body
from scenarios.examples import DATASETS

DATA_DIR = Path(__file__).parent / "data"


def write_datasets(out: Path = DATA_DIR) -> list[Path]:
    """Regenerate `out/<name>.json` for each dataset (deterministic: same files every run)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in DATASETS.items():
        path = out / f"{name}.json"
        path.write_text(json.dumps(problem_body(build()), indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    for path in write_datasets(parser.parse_args(argv).out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
