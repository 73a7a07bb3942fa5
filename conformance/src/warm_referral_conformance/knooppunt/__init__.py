"""Role knooppunt: the checks of an intermediary (docs/knooppunt.md, WD-KNP), over its REST
binding. The kit plays three participants: a sender, a recipient and a bystander."""

from . import controles  # noqa: F401  (registers the checks)
