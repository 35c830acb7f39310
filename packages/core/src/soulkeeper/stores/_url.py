"""Split soulkeeper's own options off a backend URL, and find the secrets to keep out of messages."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

__all__ = ["split_options"]


def split_options(url: str, known: frozenset[str]) -> tuple[str, dict[str, str], tuple[str, ...]]:
    """Return the URL without soulkeeper's query options, those options, and the URL's secrets."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    ours = {key: value for key, value in pairs if key in known}
    rest = [(key, value) for key, value in pairs if key not in known]
    clean = urlunsplit(parts._replace(query=urlencode(rest)))
    secrets = [parts.password or ""]
    secrets += [value for key, value in pairs if key.lower() == "password"]
    found = tuple(
        sorted({s for secret in secrets for s in (secret, unquote(secret)) if s}, key=len, reverse=True)
    )
    return clean, ours, found


def int_option(options: dict[str, str], name: str, default: int) -> int:
    value = options.get(name)
    try:
        return default if value is None else int(value)
    except ValueError:
        raise ValueError(f"store option {name} must be an integer, got {value!r}") from None


def float_option(options: dict[str, str], name: str, default: float) -> float:
    value = options.get(name)
    try:
        return default if value is None else float(value)
    except ValueError:
        raise ValueError(f"store option {name} must be a number, got {value!r}") from None
