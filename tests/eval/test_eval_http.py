"""`soulkeeper eval` against a real OpenAI-compatible HTTP server, through LangChain and the openai client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langchain_openai")
pytest.importorskip("openai")

from conftest import EXAMPLES, ROOT
from soulkeeper import load_soul
from soulkeeper.testing import DriftingChatModel

MODEL_ID = "drifting-sim"
TURNS = 24


class SimServer(ThreadingHTTPServer):
    """A tiny OpenAI-compatible server whose model is the seeded DriftingChatModel."""

    daemon_threads = True

    def __init__(self, soul: Any) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.soul = soul
        self.model = DriftingChatModel(soul, seed=7)
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.user_agents: list[str] = []
        self.paths: list[str] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: SimServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        if self.path.rstrip("/") == "/v1/models":
            self._send(
                200,
                {
                    "object": "list",
                    "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "tests"}],
                },
            )
        else:
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:
        self.server.paths.append(self.path)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        if body.get("stream"):
            self._send(
                400,
                {
                    "error": {
                        "message": "this test server answers stream: false only",
                        "type": "invalid_request_error",
                    }
                },
            )
            return
        messages = body["messages"]
        with self.server.lock:
            self.server.requests.append(body)
            self.server.user_agents.append(self.headers.get("User-Agent", ""))
            if sum(1 for m in messages if m["role"] == "user") == 1:  # a new conversation: a fresh simulation
                self.server.model = DriftingChatModel(self.server.soul, seed=7)
            text = self.server.model.reply(messages)
        prompt = sum(len(str(m.get("content", ""))) for m in messages) // 4
        self._send(
            200,
            {
                "id": f"chatcmpl-{len(self.server.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", MODEL_ID),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                        "logprobs": None,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": len(text) // 4,
                    "total_tokens": prompt + len(text) // 4,
                },
            },
        )


@pytest.fixture(scope="module")
def server() -> Iterator[SimServer]:
    srv = SimServer(load_soul(EXAMPLES / "mati"))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def _eval(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        OPENAI_API_KEY="sk-dummy-for-tests", NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost"
    )
    for var in (
        "OPENAI_BASE_URL",
        "OPENAI_API_BASE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "http_proxy",
        "https_proxy",
    ):
        env.pop(var, None)
    return subprocess.run(
        [sys.executable, "-m", "soulkeeper", "eval", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def http_run(
    server: SimServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], SimServer, Path]:
    tmp = tmp_path_factory.mktemp("http-eval")
    args = [str(EXAMPLES / "mati"), "--model", f"openai:{MODEL_ID}", "--base-url", server.base_url]
    proc = _eval([*args, "--turns", str(TURNS), "--out", str(tmp / "out"), "--json"], tmp)
    assert proc.returncode == 0, proc.stderr
    return json.loads((tmp / "out" / "report.json").read_text("utf-8")), server, tmp


def test_every_turn_went_over_http_through_the_openai_client(
    http_run: tuple[dict[str, Any], SimServer, Path],
) -> None:
    """Both runs' model calls reached the server as non-streaming chat completions sent by the openai package."""
    data, server, _ = http_run
    assert len(server.requests) == 2 * TURNS
    assert all(ua.startswith("OpenAI/Python") for ua in server.user_agents), set(server.user_agents)
    assert all(p == "/v1/chat/completions" for p in server.paths)
    assert all(r["model"] == MODEL_ID and not r.get("stream") for r in server.requests)
    bare, guarded = server.requests[:TURNS], server.requests[TURNS:]
    for run, requests in (("bare", bare), ("guarded", guarded)):  # the server's usage block is reported
        sent = sum(sum(len(str(m.get("content", ""))) for m in r["messages"]) // 4 for r in requests)
        assert data["summary"][run]["model_usage"]["input_tokens"] == sent
    for run, requests in (("bare", bare), ("guarded", guarded)):
        turns = data["runs"][run]["turns"]
        for req, turn in zip(requests, turns, strict=True):
            assert req["messages"][0]["role"] == "system"
            assert "Mati" in req["messages"][0]["content"]
            assert req["messages"][-1] == {"role": "user", "content": turn["user"]}


def test_http_replies_are_scored_like_the_offline_simulation(
    http_run: tuple[dict[str, Any], SimServer, Path],
) -> None:
    """The replies over HTTP are exactly what fake:drifting gives offline, so the scores agree turn by turn."""
    data, _, tmp = http_run
    proc = _eval(
        [
            str(EXAMPLES / "mati"),
            "--model",
            "fake:drifting",
            "--turns",
            str(TURNS),
            "--out",
            str(tmp / "fake"),
            "--json",
        ],
        tmp,
    )
    assert proc.returncode == 0, proc.stderr
    offline = json.loads((tmp / "fake" / "report.json").read_text("utf-8"))
    for run in ("bare", "guarded"):
        http_turns, fake_turns = data["runs"][run]["turns"], offline["runs"][run]["turns"]
        assert [t["reply"] for t in http_turns] == [t["reply"] for t in fake_turns]
        assert [t["action"] for t in http_turns] == [t["action"] for t in fake_turns]
    summary = data["summary"]
    assert offline["summary"]["bare"]["model_usage"] is None  # the simulation reports no usage
    assert summary["guarded"]["reanchors"] + summary["guarded"]["restores"] > 0
    assert data["model"] == f"openai:{MODEL_ID} @ {_base(data)}"


def _base(data: dict[str, Any]) -> str:
    return str(data["model"]).split(" @ ", 1)[1]


def test_unreachable_server_is_one_line_error(tmp_path: Path) -> None:
    """A server that does not answer ends the command with exit 2 and one line on stderr, no traceback."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _eval(
        [
            str(EXAMPLES / "mati"),
            "--model",
            "openai:x",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            "--turns",
            "2",
            "--out",
            str(tmp_path / "o"),
        ],
        tmp_path,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("soulkeeper: ")


def test_root_is_repository() -> None:
    """The examples the server plays come from this repository."""
    assert (ROOT / "examples" / "souls" / "mati" / "soul.json").is_file()
