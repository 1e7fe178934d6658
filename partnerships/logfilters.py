"""Keeps personal data and case detail out of application logs (ASVS 16.2)."""
import logging
import re

REDACTED = "[redacted]"

# Patterns for what must never be written to a log line: email addresses, NHS numbers, UK phone
# numbers, UK postcodes, dates that may be dates of birth, and bearer or API tokens.
PATTERNS = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b"),
    re.compile(r"(?:\+44\s?|\b0)(?:\d\s?){9,10}\b"),
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    re.compile(r"\b(?:Token|Bearer)\s+[\w.-]{10,}", re.IGNORECASE),
]
# Free-text fields of case records and updates: if a message names one as key=value or
# 'key': value, the value is dropped whatever it contains.
CASE_DETAIL_KEYS = (
    "narrative", "body", "finding", "findings", "case_summary", "summary_of_case", "notes", "description",
    "learning", "evidence", "comment", "comments", "full_name", "first_name", "last_name", "email", "password",
)
_KEYED = re.compile(
    r"""(?P<key>['"]?(?:%s)['"]?\s*[:=]\s*)(?P<value>'[^']*'|"[^"]*"|[^,;}\s]+)""" % "|".join(CASE_DETAIL_KEYS),
    re.IGNORECASE,
)


def redact(text):
    """`text` with personal data and case-detail values replaced by [redacted]."""
    text = _KEYED.sub(lambda m: m.group("key") + REDACTED, text)
    for pattern in PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactPersonalDataFilter(logging.Filter):
    """Rewrites each record's message (and exception text) through `redact` before any handler sees it."""

    _formatter = logging.Formatter()

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        # The request object Django attaches can carry POST data into some handlers.
        if hasattr(record, "request"):
            record.request = None
        return True
