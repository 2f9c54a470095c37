"""The browser tests' own server must not leak: a browser that drops a connection mid-response (a page left while
a file downloads) once left the file open, and its ResourceWarning failed an unrelated later test."""

import gc
import socket
import struct
import sys
import time
from urllib.parse import urlsplit


def test_a_connection_dropped_mid_response_leaves_no_file_open(live_server, monkeypatch):
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", lambda seen: unraisable.append(repr(seen.exc_value)))
    address = urlsplit(live_server.url)
    for _ in range(5):
        connection = socket.create_connection((address.hostname, address.port))
        connection.sendall(b"GET /vendor/swagger-ui/swagger-ui-bundle.js HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.recv(1)  # the answer has started
        # a reset, not a polite close: what a browser does when it abandons a download
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()
    time.sleep(0.5)  # the server's threads finish with those requests
    gc.collect()
    assert not [seen for seen in unraisable if "unclosed file" in seen], unraisable
