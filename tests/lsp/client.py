"""A minimal LSP client over the server's real stdio: raw JSON-RPC frames, as an editor sends them.

Written by hand (not pygls' client) so the tests check the wire format itself: Content-Length
framing, ids, notifications and the JSON shapes of the LSP specification.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

TIMEOUT = 30.0


class Client:
    def __init__(self, *command: str, cwd: Path | None = None):
        self.process = subprocess.Popen(
            list(command) or [sys.executable, "-m", "hurdlelang", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self.messages: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.requests_from_server: list[dict] = []
        self._next_id = 0
        self.texts: dict[str, str] = {}  # each open document's text, as the editor holds it
        self.sync_kind = 2  # incremental, until the server says otherwise
        threading.Thread(target=self._read, daemon=True).start()

    # ---- the wire ----

    def _read(self) -> None:
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(out.read(length)))

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.process.stdin.flush()

    def _take(self, deadline: float) -> dict:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no message from the server in time")
        message = self.messages.get(timeout=remaining)
        if "method" in message and "id" in message:  # a request of the server's: answer it
            self.requests_from_server.append(message)
            self._send({"id": message["id"], "result": None})
        elif "method" in message:
            self.notifications.append(message)
        return message

    # ---- requests and notifications ----

    def request(self, method: str, params: dict | None = None) -> dict | list | None:
        self._next_id += 1
        ident = self._next_id
        self._send({"id": ident, "method": method, "params": params or {}})
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._take(deadline)
            if message.get("id") == ident and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def wait_for(self, method: str, match=lambda params: True, timeout: float = TIMEOUT) -> dict:
        """The next notification `method` (already received, or to come) whose params match."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for note in self.notifications[seen:]:
                if note["method"] == method and match(note["params"]):
                    self.notifications.remove(note)
                    return note["params"]
            seen = 0
            self._take(deadline)

    # ---- life cycle ----

    def initialize(self, root: Path, options: dict | None = None) -> dict:
        result = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": {
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "completion": {"completionItem": {"snippetSupport": False}},
                        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
                        "publishDiagnostics": {"versionSupport": True},
                        "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
                    }
                },
                "initializationOptions": options or {},
            },
        )
        self.notify("initialized", {})
        sync = result["capabilities"].get("textDocumentSync")
        self.sync_kind = sync["change"] if isinstance(sync, dict) else sync
        return result

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = path.as_uri()
        self.texts[uri] = text
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "hurdle", "version": version, "text": text}},
        )
        return uri

    def change(self, uri: str, version: int, edits: list[dict]) -> None:
        """Apply edits to the document; send them as they are (incremental sync) or the whole new text
        (full sync), as the server asked in its capabilities."""
        self.texts[uri] = apply_edits(self.texts[uri], edits)
        changes = edits if self.sync_kind == 2 else [{"text": self.texts[uri]}]
        self.notify(
            "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}
        )

    def diagnostics(self, uri: str, version: int | None = None) -> list[dict]:
        def wanted(params):
            return params["uri"] == uri and (version is None or params.get("version") == version)

        return self.wait_for("textDocument/publishDiagnostics", wanted)["diagnostics"]

    def close(self) -> int:
        try:
            self.request("shutdown")
            self.notify("exit", {})
            return self.process.wait(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                stream.close()


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply LSP text edits (UTF-16 positions; the test texts are ASCII) to a text, last first. Lines
    are counted at "\\n" only, as the protocol counts them."""
    lines = text.split("\n")

    def offset(position: dict) -> int:
        return sum(len(line) + 1 for line in lines[: position["line"]]) + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit.get("newText", edit.get("text")) + text[end:]  # a TextEdit, or a change event
    return text
