"""Permanent or transient: which source errors a retry cannot fix, so the run fails at once.

A missing table or column (a schema that does not match the source contract), refused credentials or
a missing bucket stay wrong however often the task is retried; waiting out the retries (10 minutes and
more) only hides the cause from the operator. Connection drops, timeouts and throttling are transient:
the DAG's retries, with exponential backoff, handle them.

:func:`permanent_reason` returns a short, clear message for a permanent error, or None. The message
names the kind of problem, the exception class and the first line of the driver's own message (a
table, column, user or bucket name), never the SQL statement or its bound parameters, which can
carry record values.
"""

from __future__ import annotations

import re

# Driver messages (PostgreSQL, SQLite, MySQL) that no retry can change.
_MISSING = re.compile(
    r"no such table|no such column|relation .* does not exist|column .* does not exist|"
    r"undefinedtable|undefinedcolumn|unknown column|doesn't exist|table .* not found",
    re.IGNORECASE,
)
_AUTH = re.compile(
    r"password authentication failed|authentication failed|access denied|"
    r"role .* does not exist|database .* does not exist|permission denied|not authorized",
    re.IGNORECASE,
)
# S3 / AWS error codes (botocore ClientError) that a retry cannot fix
_AWS_PERMANENT = {
    "AccessDenied",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "NoSuchBucket",
    "InvalidBucketName",
    "ExpiredToken",
    "InvalidToken",
}
_MAX_DETAIL = 200


def permanent_reason(error: BaseException) -> str | None:
    """A clear message when ``error`` cannot go away by retrying; None when it may be transient."""
    name = type(error).__name__
    detail = _first_line(error)
    if name in ("NoSuchTableError", "NoSuchColumnError"):
        return f"source schema mismatch: a table or column is missing ({name}: {detail})"
    if name == "NoCredentialsError":
        return f"authentication failed: no credentials for the object store ({name})"
    code = _aws_code(error)
    if code in _AWS_PERMANENT:
        return f"object store refused the request for good ({code}): check the bucket name and credentials"
    if name in ("ProgrammingError", "OperationalError", "DatabaseError", "InternalError") or _is_db_error(
        error
    ):
        if _MISSING.search(detail):
            return f"source schema mismatch: a table or column is missing ({name}: {detail})"
        if _AUTH.search(detail):
            return f"authentication failed for the source database ({name}: {detail})"
    return None


def _first_line(error: BaseException) -> str:
    # SQLAlchemy wraps the driver's exception; its own str() appends the SQL and the parameters
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return (lines[0] if lines else "")[:_MAX_DETAIL]


def _is_db_error(error: BaseException) -> bool:
    return any(
        cls.__module__.startswith(("sqlalchemy", "psycopg2", "sqlite3")) for cls in type(error).__mro__
    )


def _aws_code(error: BaseException) -> str | None:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = (response.get("Error") or {}).get("Code")
        return str(code) if code else None
    return None
