"""An HTTP proxy for tests that need to see or bend the traffic between pg2iceberg and a server
(the REST catalog): it forwards every request to `upstream` and returns the answer, unless a
hook decides otherwise.

    def lose_first_commit(request, response):
        return DROP if request.method == "POST" and ... else response

    with ForwardingProxy(rest.uri, on_response=lose_first_commit) as proxy:
        ... sink.catalog_uri: proxy.uri ...

Hooks are given to the constructor or overridden in a subclass:
  on_request(request)            → None to forward, or a Response to answer without forwarding
  on_response(request, response) → the Response to send back, or DROP to hang up without one
They run on the proxy's threads. `requests` records every request seen. The upstream gets the
method, path, body and Content-Type (not the client's other headers). The proxy runs in this
process on 127.0.0.1 and a free port and is shut down on exit.
"""
import http.server
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field

DROP = object()  # from on_response: close the connection without answering


@dataclass
class Request:
    method: str
    path: str
    headers: object  # the request's headers (case-insensitive get / [])
    body: bytes

    @property
    def line(self):
        return f"{self.method} {self.path}"


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict = field(default_factory=lambda: {"Content-Type": "application/json"})


def json_response(status, document):
    return Response(status, json.dumps(document).encode())


class ForwardingProxy:
    def __init__(self, upstream, on_request=None, on_response=None):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy._handle(self)

            do_POST = do_DELETE = do_HEAD = do_PUT = do_GET

        self.upstream = upstream.rstrip("/")
        self._on_request, self._on_response = on_request, on_response
        self.requests = []
        self.lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.uri = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def on_request(self, request):
        return self._on_request(request) if self._on_request else None

    def on_response(self, request, response):
        return self._on_response(request, response) if self._on_response else response

    def forward(self, request):
        upstream = urllib.request.Request(self.upstream + request.path, data=request.body or None,
                                          method=request.method,
                                          headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(upstream, timeout=60) as answer:
                return Response(answer.status, answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read())

    def _handle(self, handler):
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        request = Request(handler.command, handler.path, handler.headers, body)
        with self.lock:
            self.requests.append(request)
        response = self.on_request(request)
        if response is None:
            response = self.on_response(request, self.forward(request))
        if response is DROP:
            handler.close_connection = True
            return
        handler.send_response(response.status)
        for name, value in response.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(response.body)))
        handler.end_headers()
        handler.wfile.write(response.body)
