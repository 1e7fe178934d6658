"""Keeping identifying details out of audit records.

Case references must be pseudonymised codes. `reference_problem` refuses anything
that looks like a name, a date of birth, an NHS number, a postcode or an address;
`free_text_warnings` flags the same patterns in notes and findings so the author
checks before saving.
"""
import re

_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_NHS_NUMBER = re.compile(r"(?<!\d)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(?!\d)"),  # 12/03/2015, 12-3-15
    re.compile(r"(?<!\d)(19|20)\d{2}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)"),  # 2015-03-12
    re.compile(r"(?<!\d)\d{1,2}(st|nd|rd|th)?[\s\-/]*" + _MONTHS + r"[\s\-/,]*\d{2,4}(?!\d)", re.I),  # 12 March 2015
    re.compile(r"\b" + _MONTHS + r"[\s\-/]*\d{1,2}(st|nd|rd|th)?[\s,\-/]+\d{4}(?!\d)", re.I),  # March 12, 2015
    re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])(19|20)\d{2}(?!\d)"),  # 12032015
    re.compile(r"(?<!\d)(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"),  # 20150312
    re.compile(r"\b(dob|d\.o\.b|born)\b", re.I),
)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)
_STREET_WORDS = (
    r"street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|place|terrace|gardens|grove|"
    r"walk|row|square|mews|hill|park|view|house|flat|cottages?"
)
_ADDRESS = re.compile(r"(\b\d+[a-z]?[\s,]+([A-Za-z'\-]+\s+){0,3}(" + _STREET_WORDS + r")\b)|\bflat\s+\d+", re.I)
_TITLED_NAME = re.compile(r"\b(mr|mrs|ms|miss|mx|dr|master)\.?\s+[A-Z][a-z]+", re.I)
_NAMED = re.compile(r"\b(called|named|known as)\s+[A-Z][a-z]+")
_REFERENCE_FORMAT = re.compile(r"^[A-Za-z0-9]+([\-/_.][A-Za-z0-9]+)*$")
_LETTER_RUN = re.compile(r"[A-Za-z]+")
_LONGEST_LETTER_RUN = 4

REFERENCE_HELP = (
    "A pseudonymised code such as ASH-HSB-07: groups of up to four capital letters and numbers, joined by hyphens. "
    "Never a name, initials with a date of birth, an NHS number, a postcode or an address."
)


def reference_problem(reference):
    """Why this case reference might identify someone, or None when it is an acceptable code."""
    value = (reference or "").strip()
    if _NHS_NUMBER.search(value):
        return "This looks like an NHS number. Use the audit's own case code instead."
    if any(p.search(value) for p in _DATE_PATTERNS):
        return "This looks like a date (for example a date of birth). Use the audit's own case code instead."
    if _POSTCODE.search(value) or _ADDRESS.search(value):
        return "This looks like a postcode or an address. Use the audit's own case code instead."
    if _TITLED_NAME.search(value) or re.search(r"[A-Za-z]\s+[A-Za-z]", value):
        return "This looks like a name. Use a code of letters and numbers, such as ASH-HSB-07."
    if not _REFERENCE_FORMAT.match(value):
        return "Use only letters and numbers, in groups joined by hyphens, such as ASH-HSB-07."
    runs = _LETTER_RUN.findall(value)
    if any(len(run) > _LONGEST_LETTER_RUN or (run[0].isupper() and run[1:].islower() and len(run) > 1) for run in runs):
        return "This looks like a name. Use groups of up to four capital letters and numbers, such as ASH-HSB-07."
    if not any(ch.isdigit() for ch in value):
        return "Include a number in the code, such as ASH-HSB-07, so it cannot be read as someone's initials."
    return None


def free_text_warnings(text):
    """The kinds of identifying detail this free text seems to contain (empty when none)."""
    value = text or ""
    found = []
    if _NHS_NUMBER.search(value):
        found.append("an NHS number")
    if any(p.search(value) for p in _DATE_PATTERNS):
        found.append("a date of birth")
    if _POSTCODE.search(value) or _ADDRESS.search(value):
        found.append("a postcode or address")
    if _TITLED_NAME.search(value) or _NAMED.search(value):
        found.append("a name")
    return found
