"""Commands that serve: serve, embed."""

from __future__ import annotations

import html
import logging

import click

from assistant.cli.group import cli, settings_of
from assistant.errors import AssistantError, CorpusError


@cli.command()
@click.argument("assistant_url")
@click.pass_context
def embed(ctx: click.Context, assistant_url: str) -> None:
    """Print the script tag that embeds the widget, pinned with Subresource Integrity.

    ASSISTANT_URL is where the assistant is served. The owner's site must be listed in
    ASSISTANT_ALLOWED_ORIGINS there.

    \b
    Example:
      assistant embed https://assistant.example.com
    """
    import base64
    import hashlib

    from assistant.http.assets import WEB_DIR, widget_version
    from assistant.index.corpus import load_corpus

    script = (WEB_DIR / "widget.js").read_bytes()
    integrity = "sha384-" + base64.b64encode(hashlib.sha384(script).digest()).decode()
    base = assistant_url.rstrip("/")
    # The launcher's label before the widget is first opened (it fetches nothing until then).
    try:
        owner = load_corpus(settings_of(ctx).corpus_dir).site.first_name
        title = f' data-title="Ask about {html.escape(owner)}"'
    except CorpusError:
        title = ""
    click.echo(
        f'<script src="{base}/widget.{widget_version("js")}.js" integrity="{integrity}" '
        f'crossorigin="anonymous" defer{title}></script>'
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32))
@click.option(
    "--timeout",
    default=30,
    show_default=True,
    type=click.IntRange(1, 600),
    help="Seconds shutdown waits for in-flight requests (and a client has to send its headers).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, timeout: int) -> None:
    """Serve the chat API and page with granian (builds the index first if needed).

    \b
    Example:
      assistant serve --port 8000 --workers 2
    """
    from assistant.http.serving import prepare_metrics_dir
    from assistant.http.serving import serve as run_server

    settings = settings_of(ctx)
    # Before the web layer (and so prometheus_client) is imported.
    prepare_metrics_dir(settings.instance_dir / "metrics")
    from assistant.http.observability import configure_json_logging
    from assistant.startup import web_app

    configure_json_logging()
    from assistant.startup import ensure_index_in_child, recover_model

    if settings.embedder == "onnx":
        try:
            ensure_index_in_child(settings)
        except AssistantError as exc:
            logging.getLogger(__name__).error("could not prepare the index: %s", exc)
    app = web_app(settings)
    logging.getLogger(__name__).info("serving on http://%s:%s", host, port)
    run_server(app, host, port, workers, timeout, recover_model)
