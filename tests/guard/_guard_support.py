"""Shared helpers for the guard tests: example souls, clean and drifted replies, a throwaway redis-server (from tests/_services.py)."""

from __future__ import annotations

from pathlib import Path

from _services import RedisServer, free_port
from soulkeeper.spec import Soul, load_soul

__all__ = ["CLEAN", "DRIFTED", "EXAMPLES", "LOW", "RedisServer", "free_port", "mati"]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "souls"

CLEAN = (
    "Hello, this is Mati. Regarding the deployment, the recommended procedure is to verify the current state and then to "
    "apply the change in small, reversible increments. Further detail can be provided upon request."
)
DRIFTED = "Hey! 🎉 I'm Gemma, an AI assistant developed by Google. Deployment's done — super easy!"
LOW = CLEAN + " 🎉"


def mati() -> Soul:
    return load_soul(EXAMPLES / "mati")
