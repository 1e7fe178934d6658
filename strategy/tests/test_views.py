"""The drafting pages: happy paths, errors that keep what was typed, conflicts and what readers see."""
import pytest
from django.urls import reverse

from partnerships.models import AffectedGroup, AuditEvent, FormOfAbuse
from strategy.models import GovernanceBody, IntendedOutcome, Measure, Priority, Section, StrategicAim
from strategy.tests.factories import GovernanceBodyFactory, IntendedOutcomeFactory, StrategicAimFactory

pytestmark = pytest.mark.django_db


def url(side, name, **kwargs):
    return reverse(name, kwargs={"slug": side.slug, "pk": side.strategy.pk, **kwargs})


@pytest.fixture
def own(world):
    return world.own


@pytest.fixture
def manager(client, own):
    client.force_login(own.users["manager"])
    return client


class TestSectionEdit:
    def test_it_saves_and_shows_the_rendered_text(self, manager, own):
        section = own.section
        response = manager.post(url(own, "section_edit", section_pk=section.pk), {
            "title": "Introduction", "body": "## Why\n\n| Year | Children |\n|---|---|\n| 2025 | 318 |", "revision": 1,
        })
        assert response.status_code == 302
        assert response["Location"].endswith(f"/sections/#section-{section.pk}")
        section.refresh_from_db()
        assert section.revision == 2
        page = manager.get(url(own, "strategy_sections")).content.decode()
        assert "<h4>Why</h4>" in page and "<td>318</td>" in page

    def test_raw_html_is_never_rendered(self, manager, own):
        manager.post(url(own, "section_edit", section_pk=own.section.pk), {
            "title": "Introduction", "body": "<script>alert(1)</script> [x](javascript:alert(1)) <b onclick=x>bold</b>",
            "revision": 1,
        })
        page = manager.get(url(own, "strategy_sections")).content.decode()
        # Raw HTML shows as the text it is, never as markup.
        assert "<script>alert" not in page and 'href="javascript' not in page and "<b onclick" not in page

    def test_a_long_edit_that_fails_validation_keeps_the_text(self, manager, own):
        long_text = "A paragraph about the local picture. " * 400
        response = manager.post(url(own, "section_edit", section_pk=own.section.pk), {
            "title": "", "body": long_text, "revision": 1,
        })
        assert response.status_code == 200
        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert long_text.strip() in page
        own.section.refresh_from_db()
        assert own.section.body == ""

    def test_two_people_editing_get_a_conflict_page_with_both_versions(self, client, own, world):
        section = own.section
        client.force_login(own.users["manager"])
        client.get(url(own, "section_edit", section_pk=section.pk))  # both open revision 1
        first = client.post(url(own, "section_edit", section_pk=section.pk),
                            {"title": "Introduction", "body": "Saved first by a colleague.", "revision": 1})
        assert first.status_code == 302
        second = client.post(url(own, "section_edit", section_pk=section.pk),
                             {"title": "Introduction", "body": "My own long draft.", "revision": 1})
        assert second.status_code == 409
        page = second.content.decode()
        assert "Saved first by a colleague." in page and "My own long draft." in page
        assert 'name="revision" value="2"' in page
        section.refresh_from_db()
        assert section.body == "Saved first by a colleague."
        # Saving again after merging is accepted.
        third = client.post(url(own, "section_edit", section_pk=section.pk),
                            {"title": "Introduction", "body": "Merged.", "revision": 2})
        assert third.status_code == 302
        section.refresh_from_db()
        assert (section.body, section.revision) == ("Merged.", 3)

    def test_language_advice_is_shown_but_never_blocks_saving(self, manager, own):
        response = manager.post(url(own, "section_edit", section_pk=own.section.pk), {
            "title": "Introduction", "body": "Our CSA work helps after a disclosure.", "revision": 1,
        }, follow=True)
        assert "The language check has 2 suggestions" in response.content.decode()
        own.section.refresh_from_db()
        assert own.section.body == "Our CSA work helps after a disclosure."
        page = manager.get(url(own, "section_edit", section_pk=own.section.pk)).content.decode()
        assert "Language check" in page and "child sexual abuse" in page and "telling" in page

    def test_prompts_are_shown_beside_every_kind_of_section(self, manager, own):
        page = manager.get(url(own, "section_edit", section_pk=own.section.pk)).content.decode()
        assert "What to cover" in page and "national picture" in page
        page = manager.get(url(own, "section_create") + "?kind=content_warning").content.decode()
        assert "support" in page and "What to cover" in page


class TestSectionsAddMoveDelete:
    def test_add_an_extra_section_then_rename_and_delete_it(self, manager, own):
        response = manager.post(url(own, "section_create") + "?kind=extra",
                                {"title": "Theory of change", "body": "| Input | Output |\n|---|---|\n| a | b |"})
        assert response.status_code == 302
        section = Section.objects.get(strategy=own.strategy, title="Theory of change")
        assert section.kind == "extra"
        assert section.position == max(own.strategy.sections.values_list("position", flat=True))
        manager.post(url(own, "section_edit", section_pk=section.pk),
                     {"title": "Appendix: theory of change", "body": section.body, "revision": section.revision})
        section.refresh_from_db()
        assert section.title == "Appendix: theory of change"
        assert manager.post(url(own, "section_delete", section_pk=section.pk)).status_code == 302
        assert not Section.objects.filter(pk=section.pk).exists()

    def test_adding_without_a_heading_shows_the_error_and_keeps_the_text(self, manager, own):
        response = manager.post(url(own, "section_create") + "?kind=extra", {"title": "", "body": "Kept text"})
        assert response.status_code == 200
        assert "Kept text" in response.content.decode() and "govuk-error-summary" in response.content.decode()

    def test_an_unknown_kind_is_not_found(self, manager, own):
        assert manager.get(url(own, "section_create") + "?kind=template").status_code == 404

    def test_a_template_section_cannot_be_deleted(self, manager, own):
        response = manager.post(url(own, "section_delete", section_pk=own.section.pk))
        assert response.status_code == 409
        assert "cannot be removed" in response.content.decode()
        assert Section.objects.filter(pk=own.section.pk).exists()

    def test_move_down(self, manager, own):
        manager.post(url(own, "section_move", section_pk=own.section.pk), {"direction": "down"})
        order = list(own.strategy.sections.order_by("position").values_list("template_key", flat=True))
        assert order[:2] == ["vision", "introduction"]

    def test_save_and_add_another_comes_back_to_an_empty_form(self, manager, own):
        create = url(own, "outcome_create", aim_pk=own.aim.pk)
        page = manager.get(create).content.decode()
        assert "Save and add another" in page
        response = manager.post(create, {"text": "More children tell someone sooner.", "then": "another"})
        assert response.status_code == 302 and response["Location"] == create
        response = manager.post(create, {"text": "Staff feel confident to ask."})
        assert response["Location"] == url(own, "strategy_aims") + f"#aim-{own.aim.pk}"
        assert list(own.aim.outcomes.order_by("number").values_list("text", flat=True))[-2:] == [
            "More children tell someone sooner.", "Staff feel confident to ask."]

    def test_move_to_a_chosen_position_in_one_step(self, manager, own):
        extra = own.strategy.sections.order_by("position").last()
        page = manager.get(url(own, "strategy_sections")).content.decode()
        assert f'id="move-to-{extra.pk}"' in page
        response = manager.post(url(own, "section_move", section_pk=extra.pk), {"direction": "to", "position": "2"},
                                follow=True)
        assert f"“{extra.title}” moved to position 2." in response.content.decode()
        order = list(own.strategy.sections.order_by("position").values_list("pk", flat=True))
        assert order[1] == extra.pk and order[0] == own.section.pk
        assert AuditEvent.objects.filter(verb="section.moved", summary__endswith="moved to position 2").exists()
        response = manager.post(url(own, "section_move", section_pk=extra.pk), {"direction": "to"}, follow=True)
        assert "the position to move it to" in response.content.decode()

    def test_readers_see_the_text_without_edit_links(self, client, own):
        client.force_login(own.users["scrutineer"])
        page = client.get(url(own, "strategy_sections")).content.decode()
        assert "Voice of the child" in page
        assert "/edit/" not in page and "/move/" not in page


class TestPriorities:
    def test_add_change_and_delete(self, manager, own):
        assert manager.post(url(own, "priority_create"),
                            {"title": "Hear and believe", "what_this_means": "Staff respond well."}).status_code == 302
        priority = Priority.objects.get(strategy=own.strategy, title="Hear and believe")
        assert priority.number == 2
        manager.post(url(own, "priority_edit", priority_pk=priority.pk), {"title": "Hear and believe", "what_this_means": "Changed"})
        priority.refresh_from_db()
        assert priority.what_this_means == "Changed"
        manager.post(url(own, "priority_move", priority_pk=priority.pk), {"direction": "up"})
        priority.refresh_from_db()
        assert priority.number == 1
        manager.post(url(own, "priority_delete", priority_pk=own.priority.pk))
        assert list(Priority.objects.filter(strategy=own.strategy).values_list("number", flat=True)) == [1]

    def test_a_title_is_required(self, manager, own):
        response = manager.post(url(own, "priority_create"), {"title": "", "what_this_means": "Typed"})
        assert response.status_code == 200 and "Typed" in response.content.decode()
        assert Priority.objects.filter(strategy=own.strategy).count() == 1


class TestGovernance:
    def test_add_a_body_reporting_to_another_and_see_the_tree(self, manager, own):
        response = manager.post(url(own, "governance_create"), {
            "name": "Delivery Group", "kind": "delivery_group", "chair": "Head of Service",
            "reports_to": own.governance_body.pk, "member_agencies": [own.lead_agency.pk, own.other_agency.pk],
            "meeting_frequency": "monthly",
        })
        assert response.status_code == 302
        body = GovernanceBody.objects.get(name="Delivery Group")
        assert body.reports_to == own.governance_body
        assert set(body.member_agencies.all()) == {own.lead_agency, own.other_agency}
        page = manager.get(url(own, "governance_list")).content.decode()
        tree = page[page.index('class="portal-tree'):page.index("</table>")]
        # The delivery group is drawn inside the steering group's branch.
        assert tree.index("Ashvale Steering Group") < tree.index("<ul", tree.index("Ashvale Steering Group")) < tree.index("Delivery Group")

    def test_another_partnerships_agency_cannot_be_chosen(self, manager, own, world):
        response = manager.post(url(own, "governance_create"), {
            "name": "Group", "kind": "other", "member_agencies": [world.other.lead_agency.pk],
        })
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
        assert not GovernanceBody.objects.filter(name="Group").exists()

    def test_a_loop_is_refused_on_the_form(self, manager, own):
        child = GovernanceBodyFactory(strategy=own.strategy, name="Task group", reports_to=own.governance_body)
        response = manager.post(url(own, "governance_edit", body_pk=own.governance_body.pk), {
            "name": own.governance_body.name, "kind": "steering_group", "reports_to": child.pk,
        })
        assert response.status_code == 200
        assert "cannot report to itself or to a body that reports to it" in response.content.decode()


class TestAimsAndOutcomes:
    def test_edit_an_aim(self, manager, own):
        response = manager.post(url(own, "aim_edit", aim_pk=own.aim.pk), {
            "title": "Children are safer", "what_this_means": "Means", "what_we_want_to_see": "See",
        })
        assert response.status_code == 302
        own.aim.refresh_from_db()
        assert (own.aim.title, own.aim.what_we_want_to_see) == ("Children are safer", "See")

    def test_tag_an_aim_with_forms_of_abuse_and_groups(self, manager, own):
        cse = FormOfAbuse.objects.get(code="cse")
        siblings = AffectedGroup.objects.get(code="siblings")
        response = manager.post(url(own, "aim_edit", aim_pk=own.aim.pk), {
            "title": own.aim.title, "forms_of_abuse": [cse.pk], "affected_groups": [siblings.pk],
        })
        assert response.status_code == 302
        assert list(own.aim.forms_of_abuse.all()) == [cse] and list(own.aim.affected_groups.all()) == [siblings]
        page = manager.get(url(own, "strategy_aims")).content.decode()
        assert "Takes up" in page and cse.name in page and siblings.name in page

    def test_deleting_an_outcome_with_actions_is_refused_with_a_clear_message(self, manager, own):
        response = manager.post(url(own, "outcome_delete", outcome_pk=own.outcome.pk))
        assert response.status_code == 409
        assert "has actions in the action plan" in response.content.decode()
        assert IntendedOutcome.objects.filter(pk=own.outcome.pk).exists()

    def test_an_outcome_without_actions_is_deleted(self, manager, own):
        spare = IntendedOutcomeFactory(aim=own.aim, number=2)
        assert manager.post(url(own, "outcome_delete", outcome_pk=spare.pk)).status_code == 302
        assert not IntendedOutcome.objects.filter(pk=spare.pk).exists()

    def test_moving_an_aim_says_action_references_stay(self, manager, own):
        second = StrategicAimFactory(strategy=own.strategy, number=2)
        response = manager.post(url(own, "aim_move", aim_pk=second.pk), {"direction": "up"}, follow=True)
        assert "Action references in the action plan are not renumbered." in response.content.decode()
        second.refresh_from_db(), own.aim.refresh_from_db(), own.action.refresh_from_db()
        assert (second.number, own.aim.number, own.action.reference) == (1, 2, "1.1")

    def test_aims_page_shows_aims_outcomes_and_counts(self, client, own):
        client.force_login(own.users["member_lead"])
        page = client.get(url(own, "strategy_aims")).content.decode()
        assert own.aim.title in page and "1 action, 1 measure" in page
        assert "/delete/" not in page


class TestMeasures:
    def test_add_and_list(self, manager, own):
        response = manager.post(url(own, "measure_create", outcome_pk=own.outcome.pk), {
            "indicator": "Children who say they felt listened to", "data_source": "Exit survey",
            "collection": "Online, at case closure", "collated_by": "Performance team", "frequency": "Every six months",
            "baseline": "No baseline yet", "target": "80%",
        })
        assert response.status_code == 302
        assert Measure.objects.filter(outcome=own.outcome, target="80%").exists()
        page = manager.get(url(own, "measure_list")).content.decode()
        assert "Children who say they felt listened to" in page and "Every six months" in page

    def test_an_indicator_is_required(self, manager, own):
        response = manager.post(url(own, "measure_create", outcome_pk=own.outcome.pk), {"indicator": "", "target": "80%"})
        assert response.status_code == 200 and 'value="80%"' in response.content.decode()

    def test_a_measure_of_another_partnership_is_not_found(self, manager, own, world):
        assert manager.get(url(own, "measure_edit", measure_pk=world.other.measure.pk)).status_code == 404


class TestCoverageAndCompleteness:
    def test_ticking_coverage_and_the_panel_of_what_is_missing(self, manager, own):
        forms = list(FormOfAbuse.objects.order_by("number"))
        groups = list(AffectedGroup.objects.order_by("number"))
        response = manager.post(url(own, "strategy_coverage"), {
            "forms_of_abuse": [f.pk for f in forms[:-1]], "affected_groups": [g.pk for g in groups],
        })
        assert response.status_code == 302
        assert own.strategy.forms_of_abuse.count() == len(forms) - 1
        page = manager.get(url(own, "strategy_detail")).content.decode()
        panel = page[page.index("portal-coverage"):]
        assert forms[-1].name in panel and forms[0].name not in panel
        assert "Every affected group is responded to." in panel

    def test_unticking_everything_saves(self, manager, own):
        own.strategy.forms_of_abuse.set(FormOfAbuse.objects.all())
        assert manager.post(url(own, "strategy_coverage"), {}).status_code == 302
        assert own.strategy.forms_of_abuse.count() == 0

    def test_completeness_lists_empty_and_thin_sections_and_the_criteria(self, manager, own):
        Section.objects.filter(pk=own.section.pk).update(body="Too short. Our CSA plan.")
        page = manager.get(url(own, "strategy_completeness")).content.decode()
        for name in ("Clarity", "Coverage", "Deliverability", "Consistency", "Readiness"):
            assert name in page
        assert "Thin" in page and "Empty" in page
        assert "Every intended outcome has at least one action" in page
        assert "“CSA”" in page  # language check summary
        assert url(own, "section_edit", section_pk=own.section.pk) in page

    def test_completeness_links_gaps_in_structured_parts(self, manager, own):
        StrategicAim.objects.filter(pk=own.aim.pk).update(what_this_means="")
        aim2 = StrategicAimFactory(strategy=own.strategy, number=2)
        page = manager.get(url(own, "strategy_completeness")).content.decode()
        assert "Aim 1 does not say what it means" in page
        assert "Aim 2 has no intended outcomes." in page
        assert url(own, "outcome_create", aim_pk=aim2.pk) in page

    def test_completeness_names_empty_and_missing_template_sections_among_the_gaps(self, manager, own):
        Section.objects.filter(strategy=own.strategy).update(body="Written. " * 80)
        Section.objects.filter(strategy=own.strategy, template_key="governance").update(body="")
        Section.objects.filter(strategy=own.strategy, template_key="local_context").delete()
        page = manager.get(url(own, "strategy_completeness")).content.decode()
        assert "“Governance” is not written yet." in page
        assert "There is no “Local and regional context” section, which the national template expects." in page
        assert "“Introduction” is not written yet." not in page


def test_the_overview_links_every_part(manager, own):
    page = manager.get(url(own, "strategy_detail")).content.decode()
    for name in ("strategy_sections", "strategy_vision", "governance_list", "strategy_aims", "measure_list",
                 "strategy_coverage", "strategy_completeness", "action_plan"):
        assert url(own, name) in page, name


def test_a_strategy_that_is_not_a_draft_cannot_be_changed(manager, own):
    own.strategy.status = "approved"
    own.strategy.save()
    assert manager.get(url(own, "priority_create")).status_code == 403
    assert manager.post(url(own, "measure_delete", measure_pk=own.measure.pk)).status_code == 403
    assert Measure.objects.filter(pk=own.measure.pk).exists()
    page = manager.get(url(own, "strategy_vision")).content.decode()
    assert "Add a priority" not in page


def test_viewers_read_a_published_strategy_but_not_a_draft(client, own):
    client.force_login(own.users["viewer"])
    assert client.get(url(own, "strategy_sections")).status_code == 404
    own.strategy.status = "published"
    own.strategy.save()
    for name in ("strategy_sections", "strategy_vision", "governance_list", "strategy_aims", "measure_list",
                 "strategy_coverage", "strategy_completeness"):
        response = client.get(url(own, name))
        assert response.status_code == 200, name
        assert "/edit/" not in response.content.decode(), name
    assert client.post(url(own, "strategy_coverage"), {}).status_code == 403
