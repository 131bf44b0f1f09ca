"""Errors that end a load with one line saying what to do, instead of a traceback."""

from __future__ import annotations


class SourceError(Exception):
    """A problem with a source the user can fix (credentials, URL, permissions)."""


class CredentialsError(SourceError):
    """The API rejected the credentials."""


class MalformedRecordError(SourceError):
    """A record or page that cannot be loaded under the documented quarantine rules."""
