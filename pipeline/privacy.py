"""Personal data stays in the store, out of logs and messages.

    mask_name("Wang Xiaoming")          -> "W*** X*******"   (enough for a reviewer to see which)
    mask_numbers("ID 110101199003071233") -> "ID 1101**********33"  (ID, card and account numbers)
    install_log_filter()                 every log record masked before any handler writes it

Finding messages quote names and numbers only masked; the values themselves are in the store's
documents and fields, where the review app shows them to people allowed to see them.
"""

from __future__ import annotations

import logging
import re

# Resident ID numbers (18 characters, the last may be X), and any run of 12+ digits (card,
# insurance and bank account numbers), spaces or dashes inside allowed.
_NUMBER = re.compile(r"(?<![\dA-Za-z])\d(?:[ \-]?\d){10,}(?:[ \-]?[\dXx])(?![\dA-Za-z])")


def _mask_number(match: re.Match[str]) -> str:
    digits = re.sub(r"[ \-]", "", match.group(0))
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]


def mask_numbers(text: str) -> str:
    """`text` with every ID-like number masked but for its first four and last two characters."""
    return _NUMBER.sub(_mask_number, text)


def mask_name(name: str) -> str:
    """Each word reduced to its first letter and a star per letter left."""
    return re.sub(r"(?<=\w)\w", "*", name.strip())


class MaskingFilter(logging.Filter):
    """Masks ID-like numbers in every record (message and arguments) before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        masked = mask_numbers(text)
        if masked != text:
            record.msg, record.args = masked, None
        return True


def install_log_filter() -> None:
    """Put the masking filter on every handler of every logger there is (the root's and those
    libraries such as Prefect attach to their own loggers), so no record is written unmasked."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(MaskingFilter())
