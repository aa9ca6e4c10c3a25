"""The live room: operations, Socket.IO events, per-reader payloads and presence."""
