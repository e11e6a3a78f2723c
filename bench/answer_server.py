"""The product served on 127.0.0.1 for the surveys bench's citizens: a WSGI server whose requests run
on a fixed pool of threads, so it holds at most that many database connections (a thread per request
would each keep its own for CONN_MAX_AGE). Usage: answer_server.py PORT."""

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sangtao.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

THREADS = 8


class PooledServer(WSGIServer):
    pool = ThreadPoolExecutor(max_workers=THREADS)

    def process_request(self, request, client_address):
        self.pool.submit(self.handle_in_pool, request, client_address)

    def handle_in_pool(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 -- logged by the server, as socketserver does
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    make_server("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), server_class=PooledServer,
                handler_class=QuietHandler).serve_forever()
