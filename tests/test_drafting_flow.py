"""A new business manager re-creates the structure of a finished strategy through the browser forms only:
foreword, content warning, definitions, vision and five commitments, seven aims with what-this-means and
what-we-want-to-see, governance, local context with data tables, an audit findings summary, a services
table and a theory-of-change appendix. The text is our own; the structure is the yardstick's."""
import pytest
from django.urls import reverse

from partnerships.models import AffectedGroup, FormOfAbuse
from strategy.models import GovernanceBody, Priority, Section, StrategicAim, Strategy

pytestmark = pytest.mark.django_db

LOCAL_CONTEXT = """\
### What local data show

| Year | Referrals with sexual abuse as a factor | Child protection plans (sexual abuse) |
|---|---|---|
| 2022–23 | 251 | 19 |
| 2023–24 | 274 | 24 |
| 2024–25 | 302 | 31 |

### Audit findings in brief

- Strengths: joint strategy discussions were timely in most cases.
- To improve: signs of abuse in the family were noticed late; fathers were rarely seen.
"""

SERVICES_TABLE = """\
| Service | Who it is for | Commissioned by |
|---|---|---|
| Child house (health, police and therapy under one roof) | Children who have been sexually abused | Integrated care board |
| Harmful sexual behaviour service | Children who display harmful sexual behaviour | Council |
"""

THEORY_OF_CHANGE = """\
| If we… | then… | so that… |
|---|---|---|
| train staff to notice signs | more children are identified | children are protected sooner |
"""


def test_a_manager_builds_the_whole_structure_with_the_forms(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    slug = side.slug

    def post(name, data, query="", **kwargs):
        response = client.post(reverse(name, kwargs={"slug": slug, **kwargs}) + query, data)
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        return response

    post("strategy_create", {
        "title": "Child Sexual Abuse Strategy", "period_start": 2025, "period_end": 2028, "version_label": "1.0",
        "vision": "Children grow up safe from sexual abuse, and are believed and helped when it happens.",
        "strapline": "Notice it, name it, stop it",
    })
    strategy = Strategy.objects.get(partnership=side.partnership, period_start=2025)
    pk = strategy.pk

    for kind, title in (("foreword", "Joint foreword"), ("content_warning", "Content warning"),
                        ("definitions", "What is child sexual abuse?")):
        post("section_create", {"title": title, "body": f"Our {title.lower()}."}, query=f"?kind={kind}", pk=pk)
    post("section_create", {"title": "Our journey so far", "body": SERVICES_TABLE}, query="?kind=extra", pk=pk)
    post("section_create", {"title": "Appendix: theory of change", "body": THEORY_OF_CHANGE}, query="?kind=extra",
         pk=pk)

    local = strategy.sections.get(template_key="local_context")
    post("section_edit", {"title": local.title, "body": LOCAL_CONTEXT, "revision": local.revision}, pk=pk,
         section_pk=local.pk)

    for title in ("Notice and name", "Learn and lead", "Protect and support", "Hear and believe",
                  "Disrupt and hold to account"):
        post("priority_create", {"title": title, "what_this_means": f"What “{title}” means in practice."}, pk=pk)

    for n in range(1, 8):
        post("aim_create", {"title": f"Aim number {n}", "what_this_means": "Means", "what_we_want_to_see": "See"}, pk=pk)
    aim = strategy.aims.get(number=1)
    post("outcome_create", {"text": "Parents know the signs."}, pk=pk, aim_pk=aim.pk)
    outcome = aim.outcomes.get()
    post("measure_create", {"indicator": "Parents who say they know the signs", "baseline": "None yet",
                            "target": "Most parents"}, pk=pk, outcome_pk=outcome.pk)

    post("governance_create", {"name": "Partnership Board", "kind": "board", "chair": "Independent chair",
                               "member_agencies": [side.lead_agency.pk, side.other_agency.pk]}, pk=pk)
    board = GovernanceBody.objects.get(strategy=strategy, name="Partnership Board")
    post("governance_create", {"name": "Child Sexual Abuse Delivery Group", "kind": "delivery_group",
                               "chair": "Head of Safeguarding", "reports_to": board.pk,
                               "meeting_frequency": "every two months"}, pk=pk)

    post("strategy_coverage", {"forms_of_abuse": list(FormOfAbuse.objects.values_list("pk", flat=True)),
                               "affected_groups": list(AffectedGroup.objects.values_list("pk", flat=True)[:7])},
         pk=pk)

    # What the records now hold.
    order = list(strategy.sections.order_by("position").values_list("kind", "title"))
    assert order[:4] == [("foreword", "Joint foreword"), ("content_warning", "Content warning"),
                         ("definitions", "What is child sexual abuse?"), ("template", "Introduction")]
    assert order[-2:] == [("extra", "Our journey so far"), ("extra", "Appendix: theory of change")]
    assert list(Priority.objects.filter(strategy=strategy).values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert list(StrategicAim.objects.filter(strategy=strategy).values_list("number", flat=True)) == list(range(1, 8))
    assert GovernanceBody.objects.get(strategy=strategy, reports_to=board).name == "Child Sexual Abuse Delivery Group"

    # Readers see the tables rendered, and the coverage panel names the two groups not yet covered.
    client.force_login(side.users["scrutineer"])
    sections_page = client.get(reverse("strategy_sections", kwargs={"slug": slug, "pk": pk})).content.decode()
    assert "<td>2024–25</td>" in sections_page and "<th>Commissioned by</th>" in sections_page
    assert "<td>children are protected sooner</td>" in sections_page
    overview = client.get(reverse("strategy_detail", kwargs={"slug": slug, "pk": pk})).content.decode()
    panel = overview[overview.index("portal-coverage"):]
    missing = AffectedGroup.objects.order_by("number")[7:]
    assert all(group.name in panel for group in missing)
    assert "Every form of child sexual abuse is addressed." in panel
    assert Section.objects.filter(strategy=strategy).count() == 16
