"""Secrets from the environment, or from files the environment names (``NAME_FILE``).

Docker and Kubernetes mount secrets as files; an environment variable is seen by every
process of the container and shows in ``docker inspect``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from streams.errors import ConfigError


def secret(environ: Mapping[str, str], name: str) -> str | None:
    """``name``'s value, or the content of the file ``name_FILE`` names (stripped), if any.

    Raises:
        ConfigError: both are set, or the file cannot be read or is empty.

    """
    value = environ.get(name) or None
    path = environ.get(f"{name}_FILE") or None
    if path is None:
        return value
    if value is not None:
        raise ConfigError(f"set {name} or {name}_FILE, not both")
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}_FILE {path}: cannot read it ({exc})") from None
    if not text:
        raise ConfigError(f"{name}_FILE {path} is empty")
    return text
