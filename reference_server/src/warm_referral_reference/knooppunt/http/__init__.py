"""The knooppunt's bindings: REST (:mod:`.rest`) and SOAP (:mod:`.soap`), one app."""
