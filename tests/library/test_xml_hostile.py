"""Hostile XML: every case raises InvalidPeerMessage naming the problem, in bounded time and memory,
and nothing reaches the network or the file system; arbitrary and mutated bytes raise nothing else.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xml_hostile_corpus import CASES, HERE, NS, Case, valid

from warm_referral import InvalidPeerMessage, parse_xml
from warm_referral.codec.xml import hardened
from warm_referral.models.violations import MAX_VIOLATIONS

#: Generous bounds, in CPU seconds of this process (not wall time, which a loaded machine
#: stretches): the slowest case (100k attributes, 1 MB) takes about 0.2 s here; an expanding or
#: quadratic parser would take minutes.
SECONDS = 10.0
MEGABYTES = 300


def _refusal(data: bytes) -> InvalidPeerMessage:
    with pytest.raises(InvalidPeerMessage) as caught:
        parse_xml(data)
    return caught.value


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_case_is_refused_with_its_code_in_bounded_time(case: Case) -> None:
    data = case.build()
    start = time.process_time()
    error = _refusal(data)
    elapsed = time.process_time() - start
    codes = [v.code for v in error.violations]
    assert case.code in codes, f"{case.name}: {error}"
    assert elapsed < SECONDS, f"{case.name} took {elapsed:.2f} CPU s"
    assert len(error.violations) <= MAX_VIOLATIONS  # a report one Foutbericht can carry
    for violation in error.violations:
        assert violation.pointer == "" or violation.pointer.startswith("/")
        assert violation.melding
    assert "root:" not in str(error)  # no file content (/etc/passwd) in the report


def test_hostile_corpus_stays_within_memory_bounds() -> None:
    """All cases in one fresh process, under an address-space limit, report their peak RSS."""
    script = textwrap.dedent(
        f"""
        import json, resource, sys, time
        sys.path.insert(0, {str(HERE)!r})
        from xml_hostile_corpus import CASES, valid
        from warm_referral import InvalidPeerMessage, parse_xml
        parse_xml(valid())
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        limit = 2 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        report = {{}}
        for case in CASES:
            data = case.build()
            try:
                parse_xml(data)
                report[case.name] = "accepted"
            except InvalidPeerMessage as exc:
                report[case.name] = exc.violations[0].code
            del data
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"report": report, "grew_mb": (peak - base) / 1024}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert all(code != "accepted" for code in result["report"].values()), result
    # The 50 MB input itself counts; the parser adds little on top of it.
    assert result["grew_mb"] < MEGABYTES, result


# -- nothing leaves the process ----------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP port on localhost that records every connection made to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    seen.append(conn.recv(1000) or b"(connected)")
                except OSError:
                    seen.append(b"(connected)")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join(timeout=2)
    server.close()


def _fetching_documents(port: int) -> dict[str, bytes]:
    url = f"http://127.0.0.1:{port}".encode()
    root = b'<Verwijzing xmlns="' + NS + b'"'
    return {
        "external DTD": b'<!DOCTYPE Verwijzing SYSTEM "' + url + b'/a.dtd">' + root + b"/>",
        "external entity": b'<!DOCTYPE Verwijzing [<!ENTITY e SYSTEM "'
        + url
        + b'/e">]>'
        + root
        + b"><toelichting>&e;</toelichting></Verwijzing>",
        "parameter entity": b'<!DOCTYPE Verwijzing [<!ENTITY % p SYSTEM "'
        + url
        + b'/p.dtd"> %p;]>'
        + root
        + b"/>",
        "XInclude": valid().replace(
            b"</Verwijzing>",
            b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="'
            + url
            + b'/x"/></Verwijzing>',
        ),
        "schemaLocation": valid().replace(
            root,
            root
            + b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="'
            + NS
            + b" "
            + url
            + b'/other.xsd"',
        ),
    }


def _check_only_sizes(data: bytes) -> None:
    if len(data) > hardened.MAX_XML_BYTES:
        raise hardened.refuse("xml_te_groot", "too large")


@pytest.mark.parametrize("prolog_check", [True, False], ids=["as shipped", "without prolog check"])
def test_no_document_makes_the_parser_fetch_anything(
    listener: tuple[int, list[bytes]], prolog_check: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also with the byte-level checks switched off: the parser itself never fetches."""
    port, seen = listener
    if not prolog_check:
        monkeypatch.setattr(hardened, "_check_bytes", _check_only_sizes)
    for name, data in _fetching_documents(port).items():
        try:
            bericht = parse_xml(data)
        except InvalidPeerMessage as exc:
            codes = {v.code for v in exc.violations}
            assert codes & {"xml_doctype", "xml_entiteit", "xml_xinclude", "xml_niet_welgevormd"}, (
                name,
                codes,
            )
        else:  # only the schemaLocation hint is harmless, and ignored
            assert name == "schemaLocation"
            assert bericht.berichttype == "Verwijzing"
    time.sleep(0.3)
    assert seen == []


@pytest.mark.parametrize(
    "specimen", ["billion-laughs.xml", "quadratic-blowup.xml", "xxe-local-file.xml"]
)
def test_without_prolog_check_the_parser_still_expands_nothing(
    specimen: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: with no byte-level DOCTYPE check, the parser neither expands entities nor
    reads files, and the DOCTYPE is still refused after parsing."""
    monkeypatch.setattr(hardened, "_check_bytes", _check_only_sizes)
    start = time.process_time()
    error = _refusal((HERE / "hostile_xml" / specimen).read_bytes())
    assert time.process_time() - start < SECONDS
    assert {v.code for v in error.violations} & {"xml_doctype", "xml_entiteit"}
    assert "root:" not in str(error)


def test_harmless_xml_features_are_accepted() -> None:
    """A BOM, comments, processing instructions, CDATA and a schemaLocation hint change nothing."""
    body = valid()
    variants = [
        b"\xef\xbb\xbf" + body,
        body.replace(b"<hulpvrager>", b"<!-- opmerking --><hulpvrager><?pi x?>"),
        body.replace(
            b"<naam>Woongoed Zeeland</naam>", b"<naam><![CDATA[Woongoed Zeeland]]></naam>"
        ),
        body.replace(b"?>\n", b'?>\n<!-- vooraf -->\n<?vendor x="1"?>\n', 1),
    ]
    expected = parse_xml(body)
    for data in variants:
        assert parse_xml(data) == expected


# -- whatever the bytes ----------------------------------------------------------------------------


def _parse_or_refuse(data: bytes) -> None:
    try:
        parse_xml(data)
    except InvalidPeerMessage as exc:
        assert exc.violations
        for violation in exc.violations:
            assert violation.pointer == "" or violation.pointer.startswith("/")
            assert violation.code and violation.melding


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse_or_refuse(data)


_SNIPPETS = [
    b"<",
    b">",
    b"</x>",
    b"<x/>",
    b"&amp;",
    b"&e;",
    b"&#0;",
    b"&#x1F600;",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"<!DOCTYPE x>",
    b'xsi:nil="true"',
    b' a="1"',
    b"\xff",
    b"\x00",
    b"\xc3",
    b"<berichtId>1</berichtId>",
    b"<factuurnummers>F</factuurnummers>",
    b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="x"/>',
    b"true",
    b"-1",
    b"9999-99-99",
]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_valid_documents(data: st.DataObject) -> None:
    document = bytearray(valid())
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(document)))
        action = data.draw(st.sampled_from(["insert", "delete", "flip", "cut", "duplicate"]))
        if action == "insert":
            document[where:where] = data.draw(st.sampled_from(_SNIPPETS))
        elif action == "delete":
            del document[where : where + data.draw(st.integers(1, 40))]
        elif action == "flip" and where < len(document):
            document[where] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del document[where:]
        else:
            end = min(len(document), where + data.draw(st.integers(1, 200)))
            document[where:where] = document[where:end]
    _parse_or_refuse(bytes(document))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10_000))
def test_every_truncation_is_refused_never_cut(cut: int) -> None:
    """xsdata returns a cut object for many truncations (see test_xml_xsdata_defaults.py)."""
    body = valid()
    complete = body.rindex(b">") + 1  # cutting only the final newline leaves a whole document
    error = _refusal(body[: cut % complete])
    assert {v.code for v in error.violations} <= {
        "xml_niet_welgevormd",
        "xml_leeg",
        "xml_codering",
    }
