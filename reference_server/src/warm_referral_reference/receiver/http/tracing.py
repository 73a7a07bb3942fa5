"""W3C Trace Context for the processing log: every record carries the trace id of its request."""

from __future__ import annotations

import re
import secrets

__all__ = ["trace_context"]

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def trace_context(traceparent: str | None) -> tuple[str, str]:
    """(trace id, traceparent to pass on). An invalid or all-zero header starts a new trace."""
    match = _TRACEPARENT.match(traceparent or "")
    # W3C Trace Context: an all-zero trace id or parent id makes the whole header invalid.
    if match and set(match.group(1)) != {"0"} and set(match.group(2)) != {"0"}:
        trace_id = match.group(1)
    else:
        trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"
