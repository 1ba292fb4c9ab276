#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Serves the web messengers' pages over HTTPS for the real-browser test.

Usage: site_server.py CERT KEY LOG [PORT]
Every host name gets the same page; what it sends comes from sites.py for the Host asked for.
The page reports each step on /report, which is appended to LOG as one line per event
("sent TAG", "finished"), so the test waits on the log, not on time.
"""
import http.server
import json
import pathlib
import ssl
import sys
import urllib.parse

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import sites  # noqa: E402

PAGE = (pathlib.Path(__file__).parent / "page.html").read_bytes()
cert, key, log_path = sys.argv[1:4]
port = int(sys.argv[4]) if len(sys.argv) > 4 else 443


class Handler(http.server.BaseHTTPRequestHandler):
    def send(self, code, body, kind):
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/":
            self.send(200, PAGE, "text/html; charset=utf-8")
        elif url.path == "/plan" and host in sites.SITES:
            order = sites.order()
            at = order.index(host)
            plan = {
                "site": host,
                "notifications": [{"tag": t, "title": s, "body": b}
                                  for t, _, s, b in sites.notifications(host)],
                "next": f"https://{order[at + 1]}/" if at + 1 < len(order) else None,
            }
            self.send(200, json.dumps(plan).encode(), "application/json")
        elif url.path == "/report":
            event = urllib.parse.parse_qs(url.query).get("event", ["?"])[0]
            with open(log_path, "a", encoding="utf-8") as log:
                log.write(f"{host} {event}\n")
            self.send(204, b"", "text/plain")
        elif url.path == "/favicon.ico":
            self.send(404, b"", "text/plain")
        else:
            self.send(404, b"not here\n", "text/plain")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print("ready", flush=True)
server.serve_forever()
