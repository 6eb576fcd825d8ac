"""HiGHS instances that print nothing.

HiGHS 1.16 writes its banner to standard output when a process makes its first instance, before any option can
be set. A command whose standard output is its answer, and a server's log, should not carry it, so the first
instance is made with file descriptor 1 pointed at /dev/null (C's buffers flushed before it is restored), and
every instance has `output_flag` off before it is used.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading

import highspy

_lock = threading.Lock()
_first = True


def quiet_highs() -> highspy.Highs:
    """A new HiGHS instance with its output off."""
    global _first
    with _lock:
        h = _made_with_stdout_closed() if _first else highspy.Highs()
        _first = False
    h.setOptionValue("output_flag", False)
    return h


def _made_with_stdout_closed() -> highspy.Highs:
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
            ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h
