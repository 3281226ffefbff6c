"""Keeping secrets out of what is shown: URLs with their password replaced."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote_plus, urlsplit

_SECRET_QUERY = re.compile(r"pass|secret|token", re.IGNORECASE)


def url_has_secret(url: str) -> bool:
    """Whether a database URL carries a password (in the user info or as a query parameter)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "@" in url  # unparseable: assume the worst if it has user info
    if password:
        return True
    return any(_SECRET_QUERY.search(name) and value for name, value in parse_qsl(parts.query))


def redact_url(url: str) -> str:
    """The URL with its password (and password-like query parameters) replaced by ``***``.

    User, host, port, database and other parameters are kept: ``postgresql+psycopg://u:pw@db:5432/x`` →
    ``postgresql+psycopg://u:***@db:5432/x``. A URL that cannot be parsed is hidden after its scheme.
    """
    try:
        parts = urlsplit(url)
        password = parts.password
        username = parts.username
    except ValueError:
        scheme, sep, _ = url.partition("://")
        return f"{scheme}://***" if sep else "***"
    netloc = parts.netloc
    if password is not None:
        host = netloc.rpartition("@")[2]
        user = netloc.rpartition("@")[0].partition(":")[0] if username is not None else ""
        netloc = f"{user}:***@{host}"
    pieces = []
    for piece in parts.query.split("&") if parts.query else []:
        name, sep, _ = piece.partition("=")
        pieces.append(f"{name}=***" if sep and _SECRET_QUERY.search(unquote_plus(name)) else piece)
    query = "&".join(pieces)
    if netloc == parts.netloc and query == parts.query:
        return url
    rebuilt = f"{parts.scheme}://{netloc}{parts.path}"
    if query:
        rebuilt += f"?{query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return rebuilt


_TOKEN = re.compile(r"[A-Za-z0-9_\-]{12,}")


def without_secret(text: str, secret: str) -> str:
    """The text with the secret, and any long piece of it (a server may echo a request cut short), replaced by
    ``***``."""
    if not secret or len(secret) < 8:
        return text
    text = text.replace(secret, "***")
    return _TOKEN.sub(lambda m: "***" if m.group(0) in secret else m.group(0), text)
