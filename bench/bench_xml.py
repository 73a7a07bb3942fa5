"""Benchmark: XML parse + validate + bind of a typical Verwijzing, against the practical limit.

    python bench/bench_xml.py [--seconds 1.0] [--check]   # --check: exit 1 below the goal

The limit is what lxml alone costs on the same bytes: the hardened parse plus XSD validation
(nothing can be faster and still check the XSD). Every other line is measured side by side in the
same run and printed as messages per second and as a ratio to that limit. The goal for
``parse_xml`` is a ratio of at least 0.25.

Lines:
  lxml parse + XSD (limit)   hardened lxml parse and XSD validation only
  parse_xml                  the library: hardened parse, root check, XSD, tree binder, models
  tree + xsdata bind         hardened parse and XSD, then xsdata binds the validated tree
                             (iterwalk), then the models validate its output
  xsdata from bytes (unsafe) xsdata's default parser on the raw bytes (recover=True, no XSD),
                             then the models: for reference only, not safe for untrusted input
  parse_json                 the same message as JSON, for reference
  (part) tree binder         parse_xml's binder alone, on one parsed and validated tree
  (part) models              the models alone, on the bound dict (the same work parse_json does)

The parts run on warm data, so they add up to less than parse_xml, which pays for caches that
the stages evict from each other.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from warm_referral import Verwijzing, parse_json
from warm_referral.codec.xml import parse_xml, to_xml, xml_schema
from warm_referral.codec.xml.hardened import hardened_parser
from warm_referral.models._base import WIRE_CONTEXT

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.25
EXAMPLE = ROOT / "spec" / "v1" / "examples" / "verwijzing-huur-bgs-crisis.json"


def _rates(
    paths: dict[str, Callable[[], Any]], seconds: float, rounds: int = 7
) -> dict[str, float]:
    """Messages per second for each path: the best batch of ``rounds``, the paths taking turns
    within each round so that a busy machine slows them alike and the ratios stay fair."""
    batch: dict[str, int] = {}
    for name, fn in paths.items():  # warm up, and size each batch to about seconds / rounds
        fn()
        n, elapsed = 1, 0.0
        while elapsed < seconds / rounds / 4:
            n *= 2
            start = time.perf_counter()
            for _ in range(n):
                fn()
            elapsed = time.perf_counter() - start
        batch[name] = max(1, int(n * (seconds / rounds) / elapsed))
    best = dict.fromkeys(paths, float("inf"))
    for _ in range(rounds):
        for name, fn in paths.items():
            n = batch[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / n)
    return {name: 1.0 / t for name, t in best.items()}


def _absent_left_out(node: Any) -> Any:
    """xsdata gives absent members as None and absent arrays as (); the wire leaves them out.

    (Good enough for a Verwijzing; a Foutbericht's required, possibly empty ``fouten`` would need
    the models' knowledge, as the library's own binder has.)
    """
    if isinstance(node, dict):
        return {
            k: _absent_left_out(v) for k, v in node.items() if v is not None and v != () and v != []
        }
    if isinstance(node, (list, tuple)):
        return [_absent_left_out(v) for v in node]
    return node


def _from_xsdata(obj: Any) -> Verwijzing:
    """Turn an xsdata Verwijzing into the pydantic model (the same validation as JSON)."""
    from xsdata.formats.dataclass.serializers import DictEncoder

    data = _absent_left_out(DictEncoder().encode(obj))
    return Verwijzing.model_validate(data, context=WIRE_CONTEXT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument("--check", action="store_true", help="exit 1 when below the goal")
    args = parser.parse_args(argv)

    from xsdata.formats.dataclass.parsers import XmlParser
    from xsdata.formats.dataclass.parsers.config import ParserConfig

    from warm_referral.codec.xml.bindings import Verwijzing as XsdataVerwijzing

    json_bytes = EXAMPLE.read_bytes()
    bericht = parse_json(json_bytes)
    xml_bytes = to_xml(bericht)
    schema = xml_schema()
    lxml_parser = hardened_parser()
    xsdata_parser = XmlParser(config=ParserConfig(fail_on_unknown_properties=True))

    def limit() -> None:
        root = etree.fromstring(xml_bytes, lxml_parser)
        if not schema.validate(root):
            raise AssertionError("invalid")

    def ours() -> None:
        parse_xml(xml_bytes)

    def tree_xsdata() -> Verwijzing:
        root = etree.fromstring(xml_bytes, lxml_parser)
        if not schema.validate(root):
            raise AssertionError("invalid")
        return _from_xsdata(xsdata_parser.parse(root, XsdataVerwijzing))

    def bytes_xsdata() -> Verwijzing:
        return _from_xsdata(xsdata_parser.from_bytes(xml_bytes, XsdataVerwijzing))

    def json_ref() -> None:
        parse_json(json_bytes)

    from warm_referral.codec.xml.codec import _bind, _root_class

    tree = etree.fromstring(xml_bytes, lxml_parser)
    cls, shape = _root_class(tree)
    bound = _bind(tree, shape)

    def part_binder() -> None:
        _bind(tree, shape)

    def part_models() -> None:
        cls.__pydantic_validator__.validate_python(bound)

    # Every binding path must give the same message before its speed counts.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_xml(xml_bytes) == bericht
        assert tree_xsdata() == bericht
        assert bytes_xsdata() == bericht

    paths = {
        "lxml parse + XSD (limit)": limit,
        "parse_xml": ours,
        "tree + xsdata bind": tree_xsdata,
        "xsdata from bytes (unsafe)": bytes_xsdata,
        "parse_json": json_ref,
        "(part) tree binder": part_binder,
        "(part) models": part_models,
    }
    print(f"Verwijzing from {EXAMPLE.name}: {len(xml_bytes)} bytes XML, {len(json_bytes)} JSON")
    rates = _rates(paths, args.seconds)
    base = rates["lxml parse + XSD (limit)"]
    print(f"{'path':28} {'msgs/s':>10} {'us/msg':>8} {'x limit':>8}")
    for name, rate in rates.items():
        print(f"{name:28} {rate:10.0f} {1e6 / rate:8.1f} {rate / base:8.2f}")
    ratio = rates["parse_xml"] / base
    verdict = "meets" if ratio >= GOAL else "MISSES"
    print(f"parse_xml runs at {ratio:.2f} x the lxml+XSD limit: {verdict} the goal of {GOAL} x")
    return 1 if args.check and ratio < GOAL else 0


if __name__ == "__main__":
    raise SystemExit(main())
