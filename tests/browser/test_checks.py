"""The browser checks themselves catch what they are meant to catch."""
import pytest


def test_the_audit_fails_on_an_inaccessible_page(portal):
    portal.page.set_content(
        '<html><head><title>Broken – portal</title></head><body><h1>Broken</h1>'
        '<img src="data:,"><input type="text"><a href="/x"></a></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        portal.audit()
    for rule in ("html-has-lang", "image-alt", "label", "link-name"):
        assert f"- {rule} " in str(failure.value)


def test_the_audit_wants_one_h1_and_a_page_title(portal):
    portal.page.set_content(
        '<html lang="en"><head><title>Portal</title></head><body><main><h1>One</h1><h1>Two</h1></main></body></html>'
    )
    with pytest.raises(AssertionError, match="exactly one h1"):
        portal.audit()
