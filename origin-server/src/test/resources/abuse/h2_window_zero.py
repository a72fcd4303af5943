"""An HTTP/2 client that opens streams and never lets the server send: SETTINGS_INITIAL_WINDOW_SIZE 0
and no WINDOW_UPDATE, ever. It keeps reading the socket (so TCP is not what holds the server back: only
HTTP/2's flow control is), for a given time, then prints what it saw and exits.

Usage: h2_window_zero.py PORT PATH STREAMS SECONDS   (TLS to 127.0.0.1, certificate not checked)
Needs Debian's python3-h2 (run with /usr/bin/python3).
"""
import socket
import ssl
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.settings

port, path, streams, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
context.set_alpn_protocols(["h2"])
sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
assert sock.selected_alpn_protocol() == "h2", sock.selected_alpn_protocol()

conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
conn.local_settings = h2.settings.Settings(client=True, initial_values={
    h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0,
    h2.settings.SettingCodes.ENABLE_PUSH: 0,
})
conn.initiate_connection()
conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
for i in range(streams):
    conn.send_headers(1 + 2 * i, [(":method", "GET"), (":scheme", "https"), (":authority", "localhost"),
                                   (":path", path)], end_stream=True)
sock.sendall(conn.data_to_send())

headers = data = resets = 0
deadline = time.monotonic() + seconds
sock.settimeout(0.2)
while time.monotonic() < deadline:
    try:
        chunk = sock.recv(65536)
    except (socket.timeout, TimeoutError):
        continue
    if not chunk:
        break
    for event in conn.receive_data(chunk):
        if isinstance(event, h2.events.ResponseReceived):
            headers += 1
        elif isinstance(event, h2.events.DataReceived):
            data += len(event.data)  # never acknowledged: no window is given back
        elif isinstance(event, h2.events.StreamReset):
            resets += 1
    pending = conn.data_to_send()
    if pending:
        sock.sendall(pending)
print(f"headers={headers} data={data} resets={resets}", flush=True)
sock.close()
