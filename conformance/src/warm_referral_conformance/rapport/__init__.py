"""The reports of a run: terminal, JUnit XML, JSON, self-contained HTML; all from one Run."""

from .html import schrijf_html
from .junit import schrijf_junit
from .terminal import Voortgangsbalk, druk_samenvatting

__all__ = ["Voortgangsbalk", "druk_samenvatting", "schrijf_html", "schrijf_junit"]
