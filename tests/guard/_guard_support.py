"""Shared helpers for the guard tests: example souls, clean and drifted replies, a throwaway redis-server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from soulkeeper.spec import Soul, load_soul

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "souls"

CLEAN = (
    "Hello, this is Mati. Regarding the deployment, the recommended procedure is to verify the current state and then to "
    "apply the change in small, reversible increments. Further detail can be provided upon request."
)
DRIFTED = "Hey! 🎉 I'm Gemma, an AI assistant developed by Google. Deployment's done — super easy!"
LOW = CLEAN + " 🎉"


def mati() -> Soul:
    return load_soul(EXAMPLES / "mati")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server on a free loopback port with an append-only file (data survives a restart)."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0?timeout=1"

    def start(self) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.folder)]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
