"""The demo keeps its sign-ins, and shows the agencies that lead actions with nobody to remind."""
import pytest
from django.core.management import call_command

from partnerships.models import Membership, User


@pytest.mark.django_db
def test_the_demo_shows_agencies_with_nobody_to_remind(client):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))
    roles = dict(Membership.objects.filter(partnership__slug="demo").values_list("user__email", "role"))
    assert roles == {
        "manager@demo.example": "business_manager", "member@demo.example": "steering_member",
        "member2@demo.example": "steering_member", "scrutineer@demo.example": "scrutineer",
        "viewer@demo.example": "viewer",
    }
    client.force_login(User.objects.get(email="manager@demo.example"))
    page = client.get("/p/demo/").content.decode()
    assert 'id="nobody-to-remind"' in page
    table = page[page.index('id="nobody-to-remind"'):page.index("</table>", page.index('id="nobody-to-remind"'))]
    member_agencies = Membership.objects.filter(partnership__slug="demo", agency__isnull=False).values_list(
        "agency__name", flat=True)
    assert table.count('<tr class="govuk-table__row"><td') >= 2
    assert not any(name in table for name in member_agencies)  # the agencies with a member are reachable
