"""Large answers travel compressed when the client accepts it (`Accept-Encoding`: zstd, br or gzip).

A 200-line order's answer is hundreds of kilobytes of JSON, mostly fills and rule decisions in the spec's shape;
compressed it is tens. Answers under `MIN_SIZE` go as they are: a small order's answer is not worth the time.
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

MIN_SIZE = 16 * 1024
SETTINGS = {
    "COMPRESS_MIMETYPES": ["application/json", "application/problem+json"],
    "COMPRESS_MIN_SIZE": MIN_SIZE,
    "COMPRESS_ALGORITHM": ["zstd", "br", "gzip"],  # the client's preference first, then this order
    "COMPRESS_LEVEL": 1,  # gzip: fast; zstd and brotli keep their libraries' fast defaults
    "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": False,  # decisions are not cached: no ETag work
}


def compress_answers(app: Flask) -> None:
    """Compress the app's JSON answers above `MIN_SIZE` for clients that accept it."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    Compress(app)
