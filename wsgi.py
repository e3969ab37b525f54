"""WSGI entry point for any server: `gunicorn wsgi:app`."""

from assistant.web import create_app

app = create_app()
