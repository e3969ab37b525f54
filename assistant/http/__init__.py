"""The web layer: the Flask app and everything between a request and the engine.

Its blueprints, request validation, rate limits, idempotency, observability and the server
that runs it.
"""
