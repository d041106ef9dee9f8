"""A TCP proxy a test puts between the browser and the app to cut the connection (no signal)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class CuttableProxy:
    """Forward 127.0.0.1:port to a target; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._cut = False
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        """Accept connections until stopped; while cut, close them at once (no signal)."""
        while not self._stopped:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self._cut:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy bytes one way until either side closes."""
        with suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        for end in (source, sink):
            with suppress(OSError):
                end.close()
            with self._lock:
                self._open.discard(end)

    def cut(self) -> None:
        """Drop every open connection and refuse new ones until restore()."""
        self._cut = True
        with self._lock:
            ends, self._open = list(self._open), set()
        for end in ends:
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            with suppress(OSError):
                end.close()

    def restore(self) -> None:
        """Let connections through again."""
        self._cut = False

    def stop(self) -> None:
        """Close the listening socket and every connection."""
        self._stopped = True
        self.cut()
        with suppress(OSError):
            self._server.close()


@contextmanager
def cuttable_proxy(target_port: int) -> Iterator[CuttableProxy]:
    """Yield a proxy to 127.0.0.1:target_port, stopped afterwards."""
    proxy = CuttableProxy(target_port)
    try:
        yield proxy
    finally:
        proxy.stop()
