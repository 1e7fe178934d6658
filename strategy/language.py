"""The language check: words the national guide asks partnerships not to use, and what to say instead.

Advice only. Nothing here stops a section being saved; the section page and the
completeness page show what was found so the writer can decide.
"""
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageRule:
    code: str
    pattern: re.Pattern
    suggestion: str
    reason: str


def _rule(code, pattern, suggestion, reason, flags=re.IGNORECASE):
    return LanguageRule(code, re.compile(pattern, flags), suggestion, reason)


RULES = (
    # Only the capitalised abbreviation, as a word: "csa" inside other words or in lower case is left alone.
    _rule(
        "csa", r"\bCSA\b", "child sexual abuse",
        "The abbreviation puts distance between the reader and what happened to children. Say it in full.",
        flags=0,
    ),
    _rule(
        "disclosure", r"\bdisclos(?:e|es|ed|ing|ure|ures)\b", "telling (for example, “when a child tells”)",
        "Children tell in many ways and over time; “disclosure” sounds like a single formal event.",
    ),
    _rule(
        "peer-on-peer", r"\bpeer[\s-]+on[\s-]+peer\b", "harmful sexual behaviour",
        "The guide uses harmful sexual behaviour, which covers siblings and other children.",
    ),
    _rule(
        "perpetrator", r"\bperpetrators?\b", "the person who has sexually abused the child",
        "The guide describes people by what they have done, and many who harm are children themselves.",
    ),
    _rule(
        "no-further-action", r"\bno\s+further\s+action\b", "no further police action at this time",
        "A closed police case does not mean nothing further will be done to protect the child.",
    ),
)


@dataclass(frozen=True)
class Finding:
    rule: LanguageRule
    count: int
    examples: tuple  # the words as written, without repeats

    @property
    def suggestion(self):
        return self.rule.suggestion

    @property
    def reason(self):
        return self.rule.reason


def check_text(text):
    """The rules `text` trips, in the order of RULES, each with how often and how it was written."""
    findings = []
    for rule in RULES:
        matches = [m.group(0) for m in rule.pattern.finditer(text or "")]
        if matches:
            findings.append(Finding(rule, len(matches), tuple(dict.fromkeys(matches))))
    return findings


def check_sections(sections):
    """(section, findings) for each section whose text trips a rule."""
    return [(section, found) for section in sections if (found := check_text(section.body))]
