"""MkDocs hooks for the specification site (mkdocs.yml: ``hooks``).

Three things the site needs at build time and that Markdown cannot say:

- **Mermaid without a CDN.** Material loads Mermaid from unpkg unless the page already has it. We
  vendor a pinned release from the npm registry (``npm pack``, integrity checked) into a cache and
  serve it as ``assets/javascripts/mermaid.min.js``, so the lifecycle and the procesplaat render in a
  browser without network. Rendering to SVG at generate time would need a headless browser in every
  drift check; the npm tarball is one verified file.
- **Downloads.** Every file of ``spec/v1/`` is served under ``downloads/v1/`` and zipped into one
  file (deterministic: sorted, fixed timestamps), so the download page links to the real artifacts
  and nothing is copied into ``docs/``.
- **Pages that other workstreams add.** ``mkdocs.yml`` lists them in the nav already; while a page in
  :data:`OPTIONAL_PAGES` does not exist yet, its nav entry is left out (logged, not a warning), so
  ``mkdocs build --strict`` passes before and after it lands. Any other missing page still fails.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.warm_referral")

ROOT = Path(__file__).resolve().parent.parent

#: Pages that other issues write; listed in the nav, left out while absent.
OPTIONAL_PAGES = frozenset({"eisen.md", "conformance.md", "monitoring.md", "adressering.md"})

#: Mermaid 11 is the major version Material 9 initialises; pinned with the npm tarball's integrity
#: and the sha256 of the one file we take from it.
MERMAID_VERSION = "11.17.2"
MERMAID_INTEGRITY = "sha512-V6K3C8EBdEsPFZXSKMJe6ppQOENxuHARr9GvHX4hh47lAbhMRD9qf4oEK7LoaRQxULMa80/qt5gHO73aCleBBg=="
MERMAID_SHA256 = "581ed7d74bd9048d0e3a91363927d72ef22942d7722546b27f7cc29e35390eb8"
MERMAID_URI = "assets/javascripts/mermaid.min.js"
#: Where the vendored file is kept between builds (git-ignored).
CACHE = ROOT / ".cache" / "docs-assets"


def _docs_pages() -> Any:
    """tools/docs_pages.py (the generator's page module; tools/ is not a package)."""
    naam = "_warm_referral_tools.docs_pages"
    if naam in sys.modules:
        return sys.modules[naam]
    spec = importlib.util.spec_from_file_location(naam, Path(__file__).with_name("docs_pages.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[naam] = module
    spec.loader.exec_module(module)
    return module


# --- the nav -----------------------------------------------------------------------------------


def _zonder_afwezige(nav: Any, docs_dir: Path) -> Any:
    """The nav without entries for optional pages that do not exist (yet)."""
    if isinstance(nav, list):
        uit = [_zonder_afwezige(item, docs_dir) for item in nav]
        return [item for item in uit if item is not None]
    if isinstance(nav, dict):
        uit = {k: _zonder_afwezige(v, docs_dir) for k, v in nav.items()}
        uit = {k: v for k, v in uit.items() if v is not None and v != []}
        return uit or None
    if isinstance(nav, str) and nav in OPTIONAL_PAGES and not (docs_dir / nav).exists():
        log.info("nav: %s is not there yet, left out of the navigation", nav)
        return None
    return nav


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if config.nav is not None:
        config.nav = _zonder_afwezige(config.nav, Path(config.docs_dir))
    return config


# --- Mermaid -----------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _haal_mermaid() -> bytes:
    """mermaid.min.js from the npm registry: the pinned tarball, checked, one file taken out."""
    npm = shutil.which("npm")
    if npm is None:
        raise PluginError(
            "the site vendors Mermaid from the npm registry and needs `npm` for that (Debian: "
            "apt-get install npm); or set WARM_REFERRAL_MERMAID_JS to a copy of "
            f"mermaid@{MERMAID_VERSION}/dist/mermaid.min.js"
        )
    with tempfile.TemporaryDirectory() as tmp:
        proces = subprocess.run(
            [npm, "pack", f"mermaid@{MERMAID_VERSION}", "--json", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            check=False,
        )
        if proces.returncode != 0:
            raise PluginError(f"npm pack mermaid@{MERMAID_VERSION} failed: {proces.stderr.strip()}")
        info = json.loads(proces.stdout)[0]
        tarball = Path(tmp) / info["filename"]
        integriteit = (
            "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
        )
        if integriteit != MERMAID_INTEGRITY:
            raise PluginError(
                f"mermaid@{MERMAID_VERSION} from npm has integrity {integriteit}, pinned "
                f"{MERMAID_INTEGRITY}"
            )
        with tarfile.open(tarball) as archief:
            lid = archief.extractfile("package/dist/mermaid.min.js")
            if lid is None:
                raise PluginError(f"mermaid@{MERMAID_VERSION} has no dist/mermaid.min.js")
            return lid.read()


def mermaid_js() -> bytes:
    """The pinned mermaid.min.js: from WARM_REFERRAL_MERMAID_JS, the cache, or npm (then cached)."""
    eigen = os.environ.get("WARM_REFERRAL_MERMAID_JS")
    cache = CACHE / f"mermaid-{MERMAID_VERSION}.min.js"
    if eigen:
        data = Path(eigen).read_bytes()
    elif cache.exists():
        data = cache.read_bytes()
    else:
        data = _haal_mermaid()
        cache.parent.mkdir(parents=True, exist_ok=True)
        tijdelijk = cache.with_suffix(".tmp")
        tijdelijk.write_bytes(data)
        tijdelijk.replace(cache)
        log.info("vendored mermaid@%s into %s", MERMAID_VERSION, cache.relative_to(ROOT))
    if _sha256(data) != MERMAID_SHA256:
        raise PluginError(
            f"mermaid.min.js has sha256 {_sha256(data)}, pinned {MERMAID_SHA256} "
            f"(mermaid@{MERMAID_VERSION}); delete {cache} to fetch it again"
        )
    return data


# --- downloads ---------------------------------------------------------------------------------


def on_files(files: Files, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, MERMAID_URI, content=mermaid_js()))
    pages = _docs_pages()
    bestanden = pages.download_bestanden()
    for relatief in bestanden:
        files.append(
            File.generated(
                config,
                f"{pages.DOWNLOADS}/{relatief.as_posix()}",
                abs_src_path=str(pages.SPEC / relatief),
            )
        )
    files.append(File.generated(config, pages.ZIP_URI, content=pages.spec_zip()))
    return files
