"""Start the test OpenID provider: migrate a fresh SQLite file, create the client and the people,
serve on 127.0.0.1:<port> in this process, and print "ready" once it listens.

    OP_DB=/tmp/op.sqlite3 OP_KEYS='["-----BEGIN PRIVATE KEY..."]' python -m sangtao.accounts.tests.oidc_op.serve PORT REDIRECT_URI...
"""

import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "sangtao.accounts.tests.oidc_op.settings"

import django  # noqa: E402

django.setup()

from socketserver import ThreadingMixIn  # noqa: E402
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from sangtao.accounts.tests.oidc_op.constants import CLIENT_ID, CLIENT_SECRET, PASSWORD  # noqa: E402
from sangtao.accounts.tests.oidc_op.urls import PEOPLE  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Threaded(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main() -> None:
    port, redirect_uris = int(sys.argv[1]), sys.argv[2:]
    call_command("migrate", verbosity=0)
    for username in PEOPLE:
        User.objects.create_user(username=username, password=PASSWORD)
    Application.objects.create(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, name="Sáng Tạo (test)",
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris), post_logout_redirect_uris=" ".join(redirect_uris),
        algorithm=Application.RS256_ALGORITHM, skip_authorization=True)
    server = make_server("127.0.0.1", port, get_wsgi_application(), server_class=Threaded, handler_class=Quiet)
    print("ready", flush=True)  # noqa: T201
    server.serve_forever()


if __name__ == "__main__":
    main()
