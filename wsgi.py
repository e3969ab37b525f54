"""WSGI entry point for any server: `granian --interface wsgi wsgi:app`."""

from assistant.web import create_app

app = create_app()
