"""What each modifier type takes: its required and optional parameters and their kinds, read by the loader."""

from __future__ import annotations

FILTERS = {"regions": "strs", "items": "strs", "customers": "strs", "tiers": "strs", "orders": "strs"}
COST = {"unit_cost": "money", "cost_percent": "number"}

# type -> (required parameters, optional parameters); a kind names a reader in `loader.READERS`
SPECS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "delay": ({"days": "int"}, {"items": "strs", "locations": "strs"}),
    "demand": ({"percent": "percent"}, FILTERS),
    "location_out": ({"location": "str", "from": "date", "to": "date"}, {}),
    "stock": ({"item": "str", "location": "str"}, {"change": "int", "set": "count"}),
    "lane": ({"from": "str", "to": "str"}, {**COST, "lead_days": "count", "capacity": "capacity", "closed": "bool"}),
    "route": ({"location": "str", "region": "str"}, {**COST, "transit_days": "count", "closed": "bool"}),
    "price": ({"percent": "percent"}, FILTERS),
    "cost": ({"percent": "percent"}, {"items": "strs"}),
    "new_orders": ({"orders": "objects"}, {}),
    "policy": ({}, {"tiers": "strs", "segments": "objects", "fair_share": "bool", "horizon_days": "count",
                    "protections": "objects", "add_protections": "objects", "time_limit_ms": "count"}),
}  # fmt: skip
# at least one of these must be given
ONE_OF: dict[str, tuple[str, ...]] = {
    "stock": ("change", "set"),
    "lane": ("unit_cost", "cost_percent", "lead_days", "capacity", "closed"),
    "route": ("unit_cost", "cost_percent", "transit_days", "closed"),
    "policy": tuple(SPECS["policy"][1]),
}
