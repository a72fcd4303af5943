"""An HTTP/2 slowloris: opens streams whose requests never end (HEADERS without END_STREAM, no DATA)
and keeps the connection busy with a PING every half second, so that no idle timeout can see it. Prints
how many of its streams the server reset, then exits.

Usage: h2_half_requests.py PORT STREAMS SECONDS   (TLS to 127.0.0.1, certificate not checked)
Needs Debian's python3-h2 (run with /usr/bin/python3).
"""
import socket
import ssl
import sys
import time

import h2.config
import h2.connection
import h2.events

port, streams, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
context.set_alpn_protocols(["h2"])
sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
assert sock.selected_alpn_protocol() == "h2", sock.selected_alpn_protocol()

conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
conn.initiate_connection()
for i in range(streams):
    conn.send_headers(1 + 2 * i, [(":method", "GET"), (":scheme", "https"), (":authority", "localhost"),
                                   (":path", "/a/seg.ts")], end_stream=False)
sock.sendall(conn.data_to_send())

resets = 0
deadline = time.monotonic() + seconds
next_ping = time.monotonic()
sock.settimeout(0.1)
while time.monotonic() < deadline and resets < streams:
    if time.monotonic() >= next_ping:
        conn.ping(b"12345678")
        next_ping += 0.5
    try:
        chunk = sock.recv(65536)
        if not chunk:
            break
        for event in conn.receive_data(chunk):
            if isinstance(event, h2.events.StreamReset):
                resets += 1
    except (socket.timeout, TimeoutError):
        pass
    pending = conn.data_to_send()
    if pending:
        sock.sendall(pending)
print(f"resets={resets}", flush=True)
sock.close()
