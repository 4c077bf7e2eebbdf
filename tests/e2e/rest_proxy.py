"""A small HTTP proxy in front of the REST test server, for tests that need a catalog to behave
in ways the Iceberg project's server does not (check SigV4 signatures, vend credentials).

Subclasses override `check(request)` (return (status, body) to refuse, None to forward) and
`rewrite(request, status, body)` (the answer to send back). Binds 127.0.0.1 on a free port;
used as a context manager, which stops the server thread on exit."""
import http.server
import json
import threading
import urllib.error
import urllib.request


class Request:
    def __init__(self, method, path, headers, body):
        self.method, self.path, self.headers, self.body = method, path, headers, body


class RestProxy:
    def __init__(self, upstream):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy._handle(self)

            do_POST = do_DELETE = do_HEAD = do_GET

        self.upstream = upstream
        self.requests = []  # every Request seen, in order
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

    def check(self, request):
        return None

    def rewrite(self, request, status, body):
        return status, body

    @staticmethod
    def _reply(handler, status, data):
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _handle(self, handler):
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        request = Request(handler.command, handler.path, handler.headers, body)
        self.requests.append(request)
        refusal = self.check(request)
        if refusal is not None:
            status, answer = refusal
            return self._reply(handler, status, json.dumps(answer).encode())
        forwarded = urllib.request.Request(self.upstream + handler.path, data=body or None,
                                           method=handler.command,
                                           headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(forwarded, timeout=30) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as e:
            status, data = e.code, e.read()
        status, data = self.rewrite(request, status, data)
        self._reply(handler, status, data)
