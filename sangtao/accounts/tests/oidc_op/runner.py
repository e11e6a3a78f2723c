"""Start the test OpenID provider (serve.py) as its own process, for the tests."""

import contextlib
import json
import os
import socket
import subprocess
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@contextlib.contextmanager
def running_provider(directory, callbacks, keys):
    """Yield the provider's base URL; keys: the signing key first, then retired keys it still publishes."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "OP_DB": str(directory / "op.sqlite3"), "OP_KEYS": json.dumps([pem(key) for key in keys])}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "sangtao.accounts.tests.oidc_op.serve", str(port), *callbacks]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603 -- our own module
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
