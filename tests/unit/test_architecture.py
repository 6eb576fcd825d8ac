"""The architecture as the layout shows it: dependencies point inward, checked on every file and at run time.

The core (`optimizers/`, `rules/`, the order-level service `decision_service/orders/` and the rules' governance
`decision_service/governance/`) imports no web, schema
or database code; the codec imports no web code; only `decision_service/web/` (and the CLI that serves it)
imports Flask. Storage adapters (`decision_service/storage/`) import the core and SQL, never the web; nothing
inward imports them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = {"flask", "flask_smorest", "werkzeug", "webargs", "gunicorn"}
STORAGE = {"sqlalchemy", "alembic", "psycopg", "psycopg2"}
SCHEMAS = {"marshmallow"}
CORE = (
    "optimizers",
    "rules",
    "decision_service/orders",
    "decision_service/governance",
    "decision_service/runs",
    "decision_service/network",
)
ADAPTERS = {"decision_service.web", "decision_service.codec", "decision_service.storage"}
FORBIDDEN = {
    **{core: WEB | STORAGE | SCHEMAS | ADAPTERS for core in CORE},
    "decision_service/codec": WEB | STORAGE | {"decision_service.web", "decision_service.storage"},
    "decision_service/storage": WEB | SCHEMAS | {"decision_service.web", "decision_service.codec"},
}


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, with each of its parent packages (`a.b.c` gives a, a.b and a.b.c)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        for module in modules:
            parts = module.split(".")
            names |= {".".join(parts[: k + 1]) for k in range(len(parts))}
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_inner_packages_import_nothing_from_the_outer_layers(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no modules under {package}"
    offending = {str(f.relative_to(ROOT)): sorted(_imports(f) & FORBIDDEN[package]) for f in files}
    assert {f: names for f, names in offending.items() if names} == {}


def test_importing_the_order_service_and_the_codec_loads_no_web_framework() -> None:
    code = (
        "import sys, decision_service.orders.service, decision_service.codec.schemas.request, "
        "decision_service.codec.decode_decision, scenarios.batch; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'werkzeug', 'flask_smorest', 'sqlalchemy'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_in_memory_log_loads_no_database_code() -> None:
    code = (
        "import sys, decision_service.storage.memory; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'psycopg', 'flask'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
