"""Hypothesis profiles: random exploration locally (a failure is saved and replayed first next time), a fixed
seed in CI (`HYPOTHESIS_PROFILE=ci`, set by `.ci/run`) so that a build's verdict does not depend on luck."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
