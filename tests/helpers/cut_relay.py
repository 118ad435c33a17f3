"""A loopback TCP relay that drops one connection after a set number of bytes towards the client.

It stands between a test's client and a real server, so that a download
breaks off mid-body the way a dropped WAN link does: the client sees its
connection closed partway through a response, and the server sees nothing
unusual. Later connections pass through untouched.
"""

from __future__ import annotations

import socket
import threading


class CutRelay:
    """Listen on a free loopback port and forward to ``(host, port)``; ``cut_after`` bytes into the first
    answer that reaches that many, close both sides (once). ``close`` stops it."""

    def __init__(self, upstream: tuple[str, int], cut_after: int):
        self.upstream, self.cut_after = upstream, cut_after
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._pipe, args=(client, server, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, self.cut_after if not self.cuts else None),
                             daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while data := source.recv(65536):
                if limit is not None and sent + len(data) >= limit:
                    target.sendall(data[:limit - sent])
                    self.cuts += 1
                    break
                target.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()

    def close(self) -> None:
        self._stopped = True
        self._listener.close()
