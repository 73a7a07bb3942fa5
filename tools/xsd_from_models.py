"""Generate the XSD of the XML encoding, and its xsdata bindings, from the published JSON Schemas.

The JSON Schemas (:func:`warm_referral.schemas.build_schemas`) are themselves generated from the
message models, so the XSD's facets (patterns, lengths, enumerations, bounds, occurrences) come from
the same source and cannot drift. What XSD 1.0 cannot express (the cross-field rules: ``anyOf``,
``if``/``then``, ``dependentRequired``, ``uniqueItems``, ``contains``) is left to the models, which
check every bound XML document exactly as they check JSON; the rules appear in the documentation.

Mapping: one global element per ``berichttype`` (its root element; ``berichttype`` itself is not
repeated inside), shared objects become named complex types, enumerations named simple types, every
JSON member an element of the same name in schema order, an array a repeated element. An unknown
JSON Schema keyword makes the generator fail, so a new model feature cannot be silently dropped.

Used by ``tools/generate.py`` (artifacts ``xsd`` and ``xml-bindings``); do not run directly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from lxml import etree

from warm_referral.models.wire_types import DATUM_PATTERN, TIJDSTIP_PATTERN

XS = "http://www.w3.org/2001/XMLSchema"
PREFIX = "wd"

#: Keywords of a member schema the mapping understands. ``uniqueItems`` and ``contains`` are
#: cross-field rules (the models check them).
_MEMBER_KEYS = frozenset(
    {
        "type",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "enum",
        "const",
        "format",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "$ref",
        "allOf",
        "description",
        "examples",
        "title",
    }
)
#: Keywords of an object schema; the rule keywords are checked by the models, not by the XSD.
_OBJECT_KEYS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "description",
        "title",
        "anyOf",
        "allOf",
        "if",
        "then",
        "else",
        "dependentRequired",
        "$schema",
        "$id",
    }
)
_ENUM_KEYS = frozenset({"type", "enum", "description", "title"})

#: White space as the models' regex engine (Rust ``regex``, Unicode ``White_Space``) defines it;
#: XSD's ``\s`` has only the four ASCII ones. U+000B and U+000C cannot occur in XML.
_EXTRA_WHITE_SPACE = "\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_INVISIBLE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def _xml_chars(first: int, last: int) -> str:
    """The code points first..last that XML 1.0 can carry, as class members (``\\xHH`` ranges).

    XML 1.0 cannot contain U+0000-U+0008, U+000B, U+000C or U+000E-U+001F, not even as character
    references, so a document never holds them and the XSD need not (and cannot) mention them.
    """
    allowed = [c for c in range(first, last + 1) if c in (0x9, 0xA, 0xD) or c >= 0x20]
    runs: list[tuple[int, int]] = []
    for c in allowed:
        if runs and runs[-1][1] == c - 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    escape = {0x9: r"\t", 0xA: r"\n", 0xD: r"\r"}
    out = []
    for a, b in runs:
        if a in escape or b in escape:
            # libxml2 misreads a range whose ends are escapes ([^\t-\n] excludes only the tab).
            out.extend(escape.get(c, chr(c)) for c in range(a, b + 1))
        else:
            out.append(chr(a) if a == b else f"{chr(a)}-{chr(b)}")
    return "".join(out)


# One branch per construct of the JSON Schema regex dialect that XSD 1.0 spells differently: a
# translation table written as code, clearer in one place than spread over helpers.
def xsd_pattern(pattern: str) -> str:  # noqa: C901
    """Translate a JSON Schema pattern (anchored with ^...$) into an XSD 1.0 regular expression.

    XSD patterns are implicitly anchored and know no ``^``/``$``; XSD's ``.`` excludes CR as well as
    LF and its ``\\s`` is ASCII only, so both are spelled out to mean what the models' engine means.
    Constructs outside the small subset the models use raise, rather than translate loosely.
    """
    if not (pattern.startswith("^") and pattern.endswith("$")):
        raise ValueError(f"pattern {pattern!r} is not anchored with ^...$")
    body = pattern[1:-1]
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            esc = body[i : i + 2]
            if esc == r"\s":
                out.append(r"\s" + _EXTRA_WHITE_SPACE if in_class else rf"[\s{_EXTRA_WHITE_SPACE}]")
            elif esc == r"\S" and not in_class:
                out.append(rf"[^\s{_EXTRA_WHITE_SPACE}]")
            elif esc == r"\x" and in_class:
                first = int(body[i + 2 : i + 4], 16)
                last, i = first, i + 4
                if body[i : i + 3] == r"-\x":
                    last, i = int(body[i + 3 : i + 5], 16), i + 5
                out.append(_xml_chars(first, last))
                continue
            elif esc in (r"\.", r"\+", r"\-", r"\*", r"\?", r"\(", r"\)", r"\/"):
                out.append(esc if esc != r"\/" else "/")
            else:
                raise ValueError(f"pattern {pattern!r}: escape {esc!r} has no XSD translation")
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "-" and body[i + 1 : i + 2] == "]":
                char = r"\-"  # a literal '-' ending a class: XSD wants it escaped
            elif char == "[":
                raise ValueError(f"pattern {pattern!r}: nested class")
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if body[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
        elif char == ".":
            out.append(r"[^\n]")
        elif char in "^$":
            raise ValueError(f"pattern {pattern!r}: inner anchor")
        elif char == "(" and body[i + 1 : i + 2] == "?":
            raise ValueError(f"pattern {pattern!r}: (?...) groups have no XSD translation")
        else:
            out.append(char)
        i += 1
    return _avoid_nested_star("".join(out))


def _avoid_nested_star(pattern: str) -> str:
    """Rewrite ``(X)*`` as the equivalent ``((X)+)?`` when X holds a starred group.

    libxml2 (measured with 2.14.6) mis-compiles a starred group that contains a starred group:
    ``(/([^/])*)*`` accepts ``geen``, which does not start with '/'. The rewritten form is
    compiled correctly; ``tests/library/test_xml_codec.py`` compares XSD and models on the facets.
    """
    depth_open: list[int] = []
    i = 0
    in_class = False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth_open.append(i)
        elif char == ")":
            start = depth_open.pop()
            body = pattern[start + 1 : i]
            if pattern[i + 1 : i + 2] == "*" and ")*" in body:
                rewritten = f"(({body})+)?"
                return _avoid_nested_star(pattern[:start] + rewritten + pattern[i + 2 :])
        i += 1
    return pattern


class _Builder:
    """Builds the schema tree; keeps the named simple types it needed, in first-use order."""

    def __init__(self, namespace: str, bedrag_pattern: str) -> None:
        self.namespace = namespace
        self.bedrag_pattern = bedrag_pattern
        self.consts: dict[str, str] = {}
        self.root = etree.Element(
            f"{{{XS}}}schema",
            nsmap={"xs": XS, PREFIX: namespace},
            attrib={
                "targetNamespace": namespace,
                "elementFormDefault": "qualified",
                "attributeFormDefault": "unqualified",
            },
        )

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _doc(parent: etree._Element, text: str | None) -> None:
        if text:
            annotation = etree.SubElement(parent, f"{{{XS}}}annotation")
            doc = etree.SubElement(annotation, f"{{{XS}}}documentation")
            doc.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
            doc.text = text

    def _q(self, name: str) -> str:
        return f"{PREFIX}:{name}"

    @staticmethod
    def _facet(restriction: etree._Element, name: str, value: object) -> None:
        etree.SubElement(restriction, f"{{{XS}}}{name}", value=str(value))

    # -- named simple types ----------------------------------------------------------------

    def fixed_simple_types(self) -> None:
        """The types for JSON formats and for amounts, named once and shared."""

        def simple(name: str, base: str, doc: str, facets: list[tuple[str, object]]) -> None:
            st = etree.SubElement(self.root, f"{{{XS}}}simpleType", name=name)
            self._doc(st, doc)
            restriction = etree.SubElement(st, f"{{{XS}}}restriction", base=base)
            for facet, value in facets:
                self._facet(restriction, facet, value)

        for name, value in sorted(self.consts.items()):
            simple(name, "xs:string", f"Always {value}.", [("enumeration", value)])
        simple(
            "Datum",
            "xs:date",
            "A calendar date YYYY-MM-DD without a time zone (JSON: format date).",
            [("pattern", _DATE_PATTERN)],
        )
        simple(
            "Tijdstip",
            "xs:dateTime",
            "RFC 3339 date-time with a required offset (JSON: format date-time); senders emit "
            "UTC with Z.",
            [("pattern", _TIME_PATTERN)],
        )
        simple(
            "Uuid",
            "xs:string",
            "A UUID in its hyphenated text form (JSON: format uuid); senders emit lower case.",
            [("pattern", _UUID_PATTERN)],
        )
        simple(
            "Boolean",
            "xs:boolean",
            "true or false (JSON: boolean); the XSD forms 1 and 0 are not used.",
            [("pattern", "true|false")],
        )
        simple(
            "Bedrag",
            "xs:decimal",
            "An amount with exactly two decimals, more than 0 and at most 999999999.99 "
            "(JSON: decimal text with the same pattern, never a binary number).",
            [
                ("pattern", xsd_pattern(self.bedrag_pattern)),
                ("totalDigits", 11),
                ("fractionDigits", 2),
                ("minExclusive", "0"),
            ],
        )

    def enum_type(self, name: str, schema: dict[str, Any]) -> None:
        _check_keys(name, schema, _ENUM_KEYS)
        st = etree.SubElement(self.root, f"{{{XS}}}simpleType", name=name)
        self._doc(st, schema.get("description"))
        restriction = etree.SubElement(st, f"{{{XS}}}restriction", base="xs:string")
        for value in schema["enum"]:
            self._facet(restriction, "enumeration", value)

    # -- complex types and members ---------------------------------------------------------

    def complex_type(
        self,
        parent: etree._Element,
        name: str | None,
        schema: dict[str, Any],
        required_by_model: set[str],
        skip: frozenset[str] = frozenset(),
    ) -> etree._Element:
        _check_keys(name or "message", schema, _OBJECT_KEYS)
        if schema.get("additionalProperties") is not False:
            raise ValueError(f"{name}: objects must be closed (additionalProperties: false)")
        ct = etree.SubElement(parent, f"{{{XS}}}complexType", **({"name": name} if name else {}))
        if name:
            self._doc(ct, schema.get("description"))
        sequence = etree.SubElement(ct, f"{{{XS}}}sequence")
        required = set(schema.get("required", ())) | required_by_model
        for member, member_schema in schema["properties"].items():
            if member in skip:
                continue
            self.member(
                sequence, f"{name or 'message'}.{member}", member, member_schema, member in required
            )
        return ct

    def member(
        self,
        sequence: etree._Element,
        where: str,
        name: str,
        schema: dict[str, Any],
        required: bool,
    ) -> None:
        _check_keys(where, schema, _MEMBER_KEYS)
        element = etree.SubElement(sequence, f"{{{XS}}}element", name=name)
        description = schema.get("description")
        if schema.get("type") == "array":
            items = schema["items"]
            min_items = int(schema.get("minItems", 0))
            element.set("minOccurs", str(min_items if required else 0))
            element.set(
                "maxOccurs", str(schema["maxItems"]) if "maxItems" in schema else "unbounded"
            )
            schema = items
            _check_keys(where + "[]", schema, _MEMBER_KEYS)
            description = description or schema.get("description")
        elif not required:
            element.set("minOccurs", "0")
        self._doc(element, description)
        self._type_of(element, where, schema)

    # One branch per JSON Schema form the published schemas use (allOf, $ref, enum, const, each
    # primitive type): the whole mapping to XSD types, readable in one place.
    def _type_of(  # noqa: C901
        self, element: etree._Element, where: str, schema: dict[str, Any]
    ) -> None:
        if "allOf" in schema:
            # [{$ref: X}, {rule}...]: the type is X; the rules are the models' job.
            refs = [s for s in schema["allOf"] if "$ref" in s]
            if len(refs) != 1:
                raise ValueError(f"{where}: allOf needs exactly one $ref")
            schema = {**refs[0], **{k: v for k, v in schema.items() if k != "allOf"}}
        if "$ref" in schema:
            element.set("type", self._q(schema["$ref"].rsplit("/", 1)[1]))
            return
        kind = schema.get("type")
        fmt = schema.get("format")
        if kind == "string" and "const" in schema:
            element.set("type", self._q(self._const_type(element.get("name", ""), schema["const"])))
        elif kind == "string" and fmt in _FORMAT_TYPES:
            name, pattern = _FORMAT_TYPES[fmt]
            if "pattern" in schema and xsd_pattern(schema["pattern"]) != pattern:
                raise ValueError(f"{where}: pattern {schema['pattern']!r} differs from {name}")
            element.set("type", self._q(name))
        elif kind == "string" and schema.get("pattern") == self.bedrag_pattern:
            element.set("type", self._q("Bedrag"))
        elif kind == "string":
            if fmt not in (None, "email"):
                raise ValueError(f"{where}: format {fmt!r} has no XSD mapping")
            facets: list[tuple[str, object]] = []
            if "minLength" in schema:
                facets.append(("minLength", schema["minLength"]))
            if "maxLength" in schema:
                facets.append(("maxLength", schema["maxLength"]))
            if "pattern" in schema:
                facets.append(("pattern", xsd_pattern(schema["pattern"])))
            if "enum" in schema:
                facets.extend(("enumeration", v) for v in schema["enum"])
            if facets:
                self._inline(element, "xs:string", facets)
            else:
                element.set("type", "xs:string")
        elif kind == "integer":
            facets = [("pattern", "0|-?[1-9][0-9]*")]
            if "minimum" in schema:
                facets.append(("minInclusive", schema["minimum"]))
            if "maximum" in schema:
                facets.append(("maxInclusive", schema["maximum"]))
            self._inline(element, "xs:int", facets)
        elif kind == "boolean":
            element.set("type", self._q("Boolean"))
        else:
            raise ValueError(f"{where}: no XSD mapping for {schema}")

    def _const_type(self, member: str, value: str) -> str:
        """A one-value type named after its member (``specVersie`` -> ``SpecVersie``), made once."""
        name = member[:1].upper() + member[1:]
        known = self.consts.setdefault(name, value)
        if known != value:
            raise ValueError(f"{member}: two different constants {known!r} and {value!r}")
        return name

    def _inline(self, element: etree._Element, base: str, facets: list[tuple[str, object]]) -> None:
        st = etree.SubElement(element, f"{{{XS}}}simpleType")
        restriction = etree.SubElement(st, f"{{{XS}}}restriction", base=base)
        for facet, value in facets:
            self._facet(restriction, facet, value)


def _check_keys(where: str, schema: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(schema) - allowed
    if unknown:
        raise ValueError(f"{where}: JSON Schema keywords {sorted(unknown)} have no XSD mapping")


def _required_aliases(cls: type[Any]) -> set[str]:
    """Members the model itself requires (a safety net should a schema lose its 'required')."""
    return {
        field.alias or name
        for name, field in cls.model_fields.items()
        if field.is_required() and name != "berichttype"
    }


def build_xsd(namespace: str, header: str) -> str:
    """The XSD text: deterministic, pretty-printed, with ``header`` as its first comment."""
    from warm_referral import SPEC_VERSIE
    from warm_referral.models import BERICHTTYPES, onderdelen
    from warm_referral.models.wire_types import BEDRAG_PATTERN
    from warm_referral.schemas import build_schemas

    schemas = build_schemas()
    shared: dict[str, Any] = schemas["gedeeld.json"]["$defs"]
    builder = _Builder(namespace, BEDRAG_PATTERN)
    builder.root.set("version", SPEC_VERSIE)
    builder._doc(
        builder.root,
        "Warme doorverwijzing, XML encoding. Every message is one root element named after its "
        "berichttype; element names and order are the JSON member names in schema order. "
        "Cross-field rules (see the type documentation) are checked by the models after "
        "XSD validation, as for JSON.",
    )
    for berichttype, cls in BERICHTTYPES.items():
        schema = schemas[f"{berichttype}.json"]
        element = etree.SubElement(builder.root, f"{{{XS}}}element", name=berichttype)
        builder._doc(element, schema.get("description"))
        builder.complex_type(
            element, None, schema, _required_aliases(cls), skip=frozenset({"berichttype"})
        )
    for name, schema in shared.items():
        if "enum" in schema:
            builder.enum_type(name, schema)
        else:
            cls = getattr(onderdelen, name)
            builder.complex_type(builder.root, name, schema, _required_aliases(cls))
    builder.fixed_simple_types()
    etree.indent(builder.root, space="  ")
    body = etree.tostring(builder.root, encoding="unicode")
    # Spell invisible characters (in the white-space patterns) as character references.
    body = _INVISIBLE.sub(lambda m: f"&#x{ord(m.group()):X};", body)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- {header} -->\n{body}\n'


def _tool_versions() -> str:
    """The versions that decide the bindings' exact text, checked to be installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        for needed in ("click", "jinja2", "toposort", "ruff"):
            version(needed)
        return f"xsdata {version('xsdata')}, ruff {version('ruff')}"
    except PackageNotFoundError as exc:
        raise RuntimeError(
            f"the xml-bindings artifact needs xsdata[cli] and ruff ({exc.name} is missing); "
            "install the versions pinned in pyproject.toml"
        ) from None


def build_bindings(xsd_text: str, xsd_name: str, header: str) -> dict[str, str]:
    """Run the xsdata generator on the XSD; return ``{file name: text}`` of the bindings package.

    xsdata runs in a subprocess in a scratch folder, so its output does not depend on the caller's
    working directory. Imports are relative, so the package can live anywhere (xsdata would rename
    a package called ``_bindings``). Patterns are left out of the bindings (``--ignore-patterns``):
    xsdata does not enforce facets anyway, and a pattern makes it type dates, numbers and booleans
    as plain strings. xsdata formats its output with ruff (run from this interpreter's scripts
    folder); the text is deterministic for the xsdata and ruff versions named in the header.
    """
    header = f"{header} Made with {_tool_versions()}."
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / xsd_name).write_text(xsd_text, encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "xsdata",
            "generate",
            xsd_name,
            "--package",
            "bindings",
            "--relative-imports",
            "--ignore-patterns",
            "--frozen",
            "--slots",
            "--max-line-length",
            "100",
            "--docstring-style",
            "Accessible",
            "--no-include-header",
        ]
        env = dict(os.environ)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        done = subprocess.run(
            command, cwd=work, capture_output=True, text=True, check=False, env=env
        )
        if done.returncode != 0 or not (work / "bindings" / "__init__.py").exists():
            raise RuntimeError(f"xsdata failed:\n{done.stdout}\n{done.stderr}")
        files: dict[str, str] = {}
        for path in sorted((work / "bindings").glob("*.py")):
            text = path.read_text(encoding="utf-8")
            files[path.name] = f"# {header}\n{text}"
    return files


# The same lexical forms as the JSON Schemas' patterns (one place: the library's wire types).
_DATE_PATTERN = xsd_pattern(DATUM_PATTERN)
_TIME_PATTERN = xsd_pattern(TIJDSTIP_PATTERN)
_UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
#: JSON Schema formats with a named XSD type, and the lexical pattern of that type.
_FORMAT_TYPES = {
    "date": ("Datum", _DATE_PATTERN),
    "date-time": ("Tijdstip", _TIME_PATTERN),
    "uuid": ("Uuid", _UUID_PATTERN),
}
