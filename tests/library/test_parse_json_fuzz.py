"""Whatever the bytes, parse_json returns a message or raises InvalidPeerMessage; nothing else."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warm_referral import InvalidPeerMessage, parse_json
from warm_referral.testing.strategies import berichten

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _parse_or_refuse(data: bytes) -> None:
    try:
        parse_json(data)
    except InvalidPeerMessage as exc:
        assert exc.violations
        for violation in exc.violations:
            assert violation.pointer == "" or violation.pointer.startswith("/")
            assert violation.code and violation.melding


@settings(max_examples=500)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse_or_refuse(data)


@settings(max_examples=300)
@given(json_values)
def test_arbitrary_json(value: Any) -> None:
    _parse_or_refuse(json.dumps(value).encode())


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            found += _paths(child, (*prefix, i))
    return found


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(berichten(), st.data())
def test_mutated_valid_messages(bericht: Any, data: st.DataObject) -> None:
    document = json.loads(bericht.to_json())
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    mutation = data.draw(st.sampled_from(["delete", "replace", "add"]))
    if mutation == "delete":
        del parent[path[-1]]
    elif mutation == "replace":
        parent[path[-1]] = data.draw(json_values)
    elif isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=10))] = data.draw(json_values)
    _parse_or_refuse(json.dumps(document).encode())


@settings(max_examples=200)
@given(berichten(), st.integers(0, 10_000), st.binary(min_size=1, max_size=3))
def test_corrupted_bytes(bericht: Any, offset: int, junk: bytes) -> None:
    raw = bytearray(bericht.to_json())
    offset %= len(raw)
    raw[offset : offset + len(junk)] = junk
    _parse_or_refuse(bytes(raw))


def test_deep_nesting_and_huge_documents_are_refused_cleanly() -> None:
    for data in (
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"berichttype":"' + b"x" * 2_000_000 + b'"}',
    ):
        _parse_or_refuse(data)


def test_violations_are_capped_at_what_a_foutbericht_can_hold() -> None:
    from warm_referral.models.violations import MAX_VIOLATIONS

    document = {"berichttype": "Verwijzing", **{f"x{i}": i for i in range(5000)}}
    try:
        parse_json(json.dumps(document).encode())
    except InvalidPeerMessage as exc:
        assert len(exc.violations) == MAX_VIOLATIONS
        assert exc.violations[-1].code == "te_veel_fouten"
    else:
        raise AssertionError("5000 unknown members were accepted")
