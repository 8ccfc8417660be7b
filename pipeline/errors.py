"""Typed errors. Each message says what the user should do."""

from __future__ import annotations


class ClaimsError(Exception):
    """Base of the errors the user must act on."""


class BadFileError(ClaimsError):
    """A file cannot be read: damaged, encrypted, empty, of an unsupported type or over a limit.

    `reason` is a stable machine word (`empty`, `truncated`, `encrypted`, `not_pdf`, `not_image`,
    `too_large`, `too_many_pages`, `unsupported`, `unreadable`); `str(err)` tells the user what to do.
    """

    def __init__(self, path: str, reason: str, advice: str) -> None:
        self.path = path
        self.reason = reason
        self.advice = advice
        super().__init__(f"{path}: {advice}")
