"""Refusals the services raise; views turn them into 409 and 422 answers."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str = "", *, errors: dict[str, list[str]] | None = None, current=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.current = current


class Conflict(ServiceError):
    """Someone else saved first: the caller's version is stale (409)."""

    status = 409


class WrongState(ServiceError):
    """The claim's state does not allow this (409)."""

    status = 409


class Invalid(ServiceError):
    """The input breaks a rule a form cannot see (422)."""

    status = 422


class DuplicateClaim(ServiceError):
    """The quote matches claims already logged: the person must say whether this is another
    appearance of one of them or a new claim (409)."""

    status = 409

    def __init__(self, message: str = "", *, matches=()):
        super().__init__(message)
        self.matches = list(matches)
