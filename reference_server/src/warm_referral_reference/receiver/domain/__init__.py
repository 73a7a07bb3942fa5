"""The receiver's domain: everything it decides, and nothing about HTTP.

:class:`~.ontvanger.Ontvanger` holds the use cases; :mod:`.intake` the creditor's messages,
:mod:`.acties` the operator's actions, :mod:`.bewaking` the deadline monitor, :mod:`.toegang` the one
access policy, :mod:`.gebeurtenissen` the typed event log, :mod:`.dossiers` a referral inside a
transaction, :mod:`.weergaven` every answer's shape. It raises the typed errors of
:mod:`warm_referral_reference.receiver.errors` and imports no web framework (an import-linter
contract checks that).
"""

from .ontvanger import Ontvanger, Uitkomst

__all__ = ["Ontvanger", "Uitkomst"]
