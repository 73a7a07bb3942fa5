"""The receiver's HTTP layer: routes, authentication, input, problem details, the OpenAPI document.
Nothing is decided here that the domain could decide; see :func:`.app.create_app`."""
