"""Typed errors shared by the services; the CLI and the API map them to exit codes and statuses.

Exit codes (documented once, kept by every command):
  0 ok, 1 the data does not conform / the check failed, 2 usage or input error, 3 internal error.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NONCONFORMANT = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class PtceError(Exception):
    """Base of every error ptce-kg raises on purpose.

    Errors are data: ``entries()`` lists each problem with its place, ``as_dict()`` is the JSON
    the API and ``validate --format json`` answer, and an error pickles with all its fields
    (it comes back whole from a worker process).
    """

    exit_code = EXIT_INTERNAL
    http_status = 500

    def entries(self) -> list[dict[str, object]]:
        """One ``{"where", "message"}`` per problem (subclasses add fields, e.g. row, column)."""
        return [{"where": None, "message": str(self)}]

    def as_dict(self) -> dict[str, object]:
        """``{"error": class name, "detail": the whole message, "errors": entries()}``."""
        return {"error": type(self).__name__, "detail": str(self), "errors": self.entries()}

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt without calling __init__ (subclasses have their own constructors): the same
        # class, args and attributes (``where``, the table errors…) on the other side.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(
    kind: type[PtceError], args: tuple[object, ...], state: dict[str, object]
) -> PtceError:
    error = kind.__new__(kind, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class InternalError(PtceError):
    """An unexpected error (a bug), reported in one line instead of a stack trace."""


class InputError(PtceError):
    """Bad input: a file that cannot be read or parsed, a missing column, a bad parameter.

    ``where`` says where (file, line, sheet/row/column, field) when it is known.
    """

    exit_code = EXIT_INPUT
    http_status = 400

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def entries(self) -> list[dict[str, object]]:
        return [{"where": self.where, "message": self.message}]


class NotFound(InputError):
    """Something named in a request does not exist: a pole with no data in the store (HTTP 404;
    exit 2, a usage error on the command line)."""

    http_status = 404


class InputTooLarge(InputError):
    """An input past a size limit: the whole file, or one part of it (a literal, a line) past
    the parser's buffer (HTTP 413, the message names the limit)."""

    http_status = 413


class UnsafeInputError(InputError):
    """Input refused because parsing it could fetch from the network, read local files or hang."""


class QueryError(InputError):
    """A SPARQL query that is malformed, refused (SERVICE, LOAD…) or has a bad parameter."""


class QueryTimeout(PtceError):
    """A query ran past its wall-clock budget and was stopped."""

    exit_code = EXIT_INTERNAL
    http_status = 503


class ResultTooLarge(PtceError):
    """A result past the configured row or byte cap."""

    exit_code = EXIT_INPUT
    http_status = 413


class StoreError(PtceError):
    """The store (embedded or remote) failed."""


class StoreNotFound(InputError):
    """No embedded store at the path, when the caller only reads (a new one would be empty)."""

    def __init__(self, path: str) -> None:
        super().__init__("no ptce-kg store at this path", where=path)


class StoreInUse(PtceError):
    """Another process holds the embedded store (RocksDB lets one process open it for
    writing): a running server, or a command still at work. The user can act on it, so it is
    exit 2, not an internal error."""

    exit_code = EXIT_INPUT
    http_status = 503


class ReasonerUnavailable(PtceError):
    """HermiT cannot run (no Java on this machine)."""

    exit_code = EXIT_INPUT
