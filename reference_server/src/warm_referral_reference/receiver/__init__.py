"""The reference receiver: the municipality's service of the warm referral protocol.

Three layers, each importing only the one below it (import-linter contracts in pyproject.toml):

- :mod:`.http`: the Starlette app (routes, authentication, the one mapping from errors to problem
  details, the OpenAPI document);
- :mod:`.domain`: what the receiver decides (intake, operator actions, deadline monitor, access
  policy, the typed event log, every answer's shape), free of HTTP;
- :mod:`.storage`: the storage contract and its SQLite backend.

Beside them: :mod:`.errors` (every refusal, typed), :mod:`.config` (settings), :mod:`.server` (start-
up under uvicorn), :mod:`.workers` (worker processes on one port), :mod:`.tls` (client certificates in
the ASGI scope) and :mod:`.cli` (``serve receiver`` and the operator's ``gemeente`` command).
"""
