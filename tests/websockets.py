"""The WebSockets of a test's python-socketio client, closed by the test.

python-engineio (4.15) leaves a WebSocket open when its connection drops (an instance killed, its
peer reset), when a reconnect replaces it, and when an upgrade probe fails; the garbage collector
then finds its socket unclosed in whichever test runs then. A client made with these options
keeps every WebSocket it opens here, and `close` shuts each down.
"""

import websocket


class OwnedWebSockets:
    """Every WebSocket one client opened, to be closed with it."""

    def __init__(self):
        self.made: list[websocket.WebSocket] = []

    @property
    def options(self) -> dict:
        """Return the client's `websocket_extra_options` that make its WebSockets here."""
        return {"class_": self._make}

    def _make(self, **options) -> websocket.WebSocket:
        made = websocket.WebSocket(**options)
        self.made.append(made)
        return made

    def close(self) -> None:
        """Close the socket of every WebSocket (a no-op for one the client closed itself)."""
        for made in self.made:
            made.shutdown()
