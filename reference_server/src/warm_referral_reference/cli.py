"""The reference services' subcommands of ``warm-referral`` (entry points, see pyproject.toml).

``serve receiver``, ``migrate`` and ``gemeente`` belong to the receiver (:mod:`.receiver.cli`),
``serve sender`` and ``send`` to the sender (:mod:`.sender.cli`), ``serve knooppunt`` to
:mod:`.knooppunt.cli`, ``demo`` to :mod:`.demo`. This module only
registers them; each imports what it needs when it runs, so ``warm-referral --help`` stays fast.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register_gemeente", "register_migrate", "register_serve"]


def register_serve(subparsers: Any) -> None:
    from .receiver.cli import add_serve_receiver_arguments
    from .sender.cli import add_serve_sender_arguments

    parser = subparsers.add_parser(
        "serve",
        help="run a reference service",
        description="Run the reference receiver (the municipality's service). Without options it "
        "runs in development mode: SQLite in the current folder (--db postgresql://... for "
        "PostgreSQL), bearer tokens from the built-in "
        "example participants (see docs/referentie-ontvanger.md), the test clock on.",
    )
    sub = parser.add_subparsers(dest="dienst", metavar="SERVICE", required=True)
    receiver = sub.add_parser("receiver", help="the municipality's service")
    add_serve_receiver_arguments(receiver)
    receiver.set_defaults(handler=_serve_receiver)
    sender = sub.add_parser(
        "sender",
        help="the creditor's sender: outbox and postvak",
        description="Send what is in the outbox (see 'warm-referral send') "
        "and fetch the municipality's messages from the postvak, until stopped.",
    )
    add_serve_sender_arguments(sender)
    sender.set_defaults(handler=_serve_sender)
    knooppunt = sub.add_parser(
        "knooppunt",
        help="the reference knooppunt: mailboxes for sealed envelopes",
        description="A store-and-forward router (docs/knooppunt.md): participants deliver sealed "
        "envelopes, fetch and confirm them; unconfirmed envelopes expire after the profile's "
        "werkdagen. REST on /v1, SOAP on /soap/v1.",
    )
    from .knooppunt.cli import add_serve_knooppunt_arguments

    add_serve_knooppunt_arguments(knooppunt)
    knooppunt.set_defaults(handler=_serve_knooppunt)


def register_gemeente(subparsers: Any) -> None:
    from .receiver.cli import register_gemeente as register

    register(subparsers)


def register_migrate(subparsers: Any) -> None:
    from .receiver.cli import register_migrate as register

    register(subparsers)


def _serve_receiver(args: argparse.Namespace) -> int:
    from .receiver.cli import serve_receiver

    return serve_receiver(args)


def _serve_knooppunt(args: argparse.Namespace) -> int:
    from .knooppunt.cli import serve_knooppunt

    return serve_knooppunt(args)


def _serve_sender(args: argparse.Namespace) -> int:
    from .sender.cli import serve_sender

    return serve_sender(args)
