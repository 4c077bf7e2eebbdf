"""A TCP proxy in front of the test Postgres that stops one statement at a known point.

`PausingProxy(upstream_port, pattern)` listens on 127.0.0.1 and a free port and forwards every
connection to 127.0.0.1:upstream_port. The first time bytes a client sends contain `pattern`
(bytes, e.g. b'"public"."a"', as a query text carries it), the chunk holding it is kept back:
the server does not see that statement until `release()`. Meanwhile the test does what it wants
to happen "between" the client's statements, deterministically. Later occurrences pass.

For plain-text connections (sslmode disable), which the e2e configs use. Threads, not a process:
`stop()` closes every socket and joins the threads (bounded).
"""
import socket
import threading

from pg_server import free_port


class PausingProxy:
    def __init__(self, upstream_port, pattern):
        self.upstream_port = upstream_port
        self.pattern = pattern
        self.port = free_port()
        self.paused = threading.Event()    # a chunk with the pattern is being held
        self._released = threading.Event()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._sockets = []
        self._threads = []
        self._listener = None

    def start(self):
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._spawn(self._accept)
        return self

    def wait_paused(self, timeout):
        """True once a statement with the pattern is held back (False after `timeout` s)."""
        return self.paused.wait(timeout)

    def release(self):
        self._released.set()

    def stop(self):
        self._closing.set()
        self._released.set()
        with self._lock:
            sockets = list(self._sockets) + ([self._listener] if self._listener else [])
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for thread in list(self._threads):
            thread.join(timeout=10)

    # --- internals --------------------------------------------------------------------------------

    def _spawn(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _track(self, s):
        with self._lock:
            self._sockets.append(s)

    def _accept(self):
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._track(client)
            self._track(upstream)
            self._spawn(self._pump, client, upstream, True)
            self._spawn(self._pump, upstream, client, False)

    def _pump(self, source, sink, from_client):
        tail = b""  # the end of the previous chunk, to find a pattern split across chunks
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if from_client and not self.paused.is_set() and self.pattern in tail + data:
                    self.paused.set()
                    self._released.wait()
                    if self._closing.is_set():
                        break
                tail = data[-len(self.pattern):]
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
