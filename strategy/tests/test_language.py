"""The language check: each rule, what it must not flag, and that it never blocks a save."""
import pytest

from strategy.language import check_sections, check_text


def codes(text):
    return [f.rule.code for f in check_text(text)]


@pytest.mark.parametrize("text,expected", [
    ("Our CSA strategy", ["csa"]),
    ("CSA, CSE and HSB", ["csa"]),
    ("the csa team", []),  # only the capitalised abbreviation
    ("CSAs", []),  # not as a word
    ("NCSAW", []),
    ("after the disclosure", ["disclosure"]),
    ("children who disclose", ["disclosure"]),
    ("Disclosed in school; disclosures later", ["disclosure"]),
    ("peer-on-peer abuse", ["peer-on-peer"]),
    ("peer on peer abuse", ["peer-on-peer"]),
    ("Peer-On-Peer", ["peer-on-peer"]),
    ("managing perpetrators", ["perpetrator"]),
    ("the Perpetrator", ["perpetrator"]),
    ("perpetrated", []),
    ("the case ended with no further action", ["no-further-action"]),
    ("No Further Action was recorded", ["no-further-action"]),
    ("no further police action at this time", []),
    ("Children are helped to tell. Harmful sexual behaviour.", []),
    ("", []),
])
def test_it_flags_the_guides_words(text, expected):
    assert codes(text) == expected


def test_it_counts_and_lists_how_each_word_was_written():
    (finding,) = check_text("Disclosure matters. After disclosure, children who disclose need support. disclosure.")
    assert finding.count == 4
    assert finding.examples == ("Disclosure", "disclosure", "disclose")
    assert finding.suggestion.startswith("telling")


def test_it_reports_rules_in_a_fixed_order():
    text = "no further action for the perpetrator after a CSA disclosure about peer-on-peer abuse"
    assert codes(text) == ["csa", "disclosure", "peer-on-peer", "perpetrator", "no-further-action"]


def test_check_sections_only_returns_sections_with_findings():
    class S:
        def __init__(self, body):
            self.body = body

    clean, flagged = S("Children are helped to tell."), S("Our CSA offer")
    result = check_sections([clean, flagged])
    assert [(section, [f.rule.code for f in found]) for section, found in result] == [(flagged, ["csa"])]
