"""WSGI entry point for any server: `granian --interface wsgi wsgi:app`."""

from assistant.startup import web_app

app = web_app()
