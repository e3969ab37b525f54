"""WSGI entry point for any server: `granian --interface wsgi wsgi:app`."""

from assistant.http.app import create_app

app = create_app()
