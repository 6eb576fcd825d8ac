"""Explanations: why each candidate was or was not used, and what bound each backordered unit."""
