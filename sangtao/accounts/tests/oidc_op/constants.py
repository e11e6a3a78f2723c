CLIENT_ID, CLIENT_SECRET = "sangtao-test", "bi-mat-cua-client"  # noqa: S105
PASSWORD = "op-pass-123"  # noqa: S105
