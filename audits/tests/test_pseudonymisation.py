"""The guard that keeps names, dates of birth, NHS numbers and addresses out of case references."""
import pytest

from audits.pseudonymisation import free_text_warnings, reference_problem

BAD_REFERENCES = [
    ("Jane Smith", "name"),
    ("SMITH", "name"),
    ("Tom-07", "name"),
    ("jsmith01", "name"),
    ("Mr Patel", "name"),
    ("Ava", "name"),
    ("12/03/2015", "date"),
    ("12-3-15", "date"),
    ("2015-03-12", "date"),
    ("CASE-12032015", "date"),
    ("20150312", "date"),
    ("12MAR2015", "date"),
    ("12 March 2015", "date"),
    ("DOB-0312", "date"),
    ("4857773456", "NHS number"),
    ("485 777 3456", "NHS number"),
    ("485-777-3456", "NHS number"),
    ("REF-4857773456", "NHS number"),
    ("NE1 4ST", "postcode"),
    ("SW1A1AA", "postcode"),
    ("B33 8TH", "postcode"),
    ("12 High Street", "address"),
    ("Flat 3", "address"),
    ("", "empty"),
    ("ABC", "no number"),
    ("AB C1", "spaces"),
    ("A#1", "characters"),
]

GOOD_REFERENCES = ["ASH-HSB-07", "C01", "MAA26-C03", "2026-07", "A1", "AUD/2026/12", "HSB-C7", "X-9"]


@pytest.mark.parametrize("reference,kind", BAD_REFERENCES, ids=[r or "empty" for r, _ in BAD_REFERENCES])
def test_it_refuses_references_that_may_identify_someone(reference, kind):
    assert reference_problem(reference) is not None, f"{reference!r} ({kind}) was accepted"


@pytest.mark.parametrize("reference", GOOD_REFERENCES)
def test_it_accepts_pseudonymised_codes(reference):
    assert reference_problem(reference) is None


@pytest.mark.parametrize("text,expected", [
    ("Mrs Khan attended the strategy meeting.", ["a name"]),
    ("The child, known as Lily, told her teacher.", ["a name"]),
    ("NHS number 943 476 5919 was on the referral.", ["an NHS number"]),
    ("Born 03/04/2014.", ["a date of birth"]),
    ("The family moved to 14 Mill Lane, AB12 3CD.", ["a postcode or address"]),
    ("Health were not invited to the strategy discussion.", []),
    ("In 3 of 6 cases the school was not told the outcome.", []),
])
def test_it_warns_about_identifying_detail_in_free_text(text, expected):
    assert free_text_warnings(text) == expected
