"""Writes of the drafting services: numbering, ordering, refusals and the audit trail."""
import pytest
from django.core.exceptions import ValidationError

from actionplan.tests.factories import ActionFactory
from partnerships.errors import ConflictError
from partnerships.models import AffectedGroup, AuditEvent, FormOfAbuse
from partnerships.tests.factories import AgencyFactory, UserFactory
from strategy import services
from strategy.models import GovernanceBody, IntendedOutcome, Measure, Priority, Section, StrategicAim
from strategy.tests.factories import (
    GovernanceBodyFactory,
    IntendedOutcomeFactory,
    MeasureFactory,
    StrategicAimFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return UserFactory()


@pytest.fixture
def strategy(actor):
    from partnerships.tests.factories import PartnershipFactory

    return services.strategy_create(partnership=PartnershipFactory(), actor=actor, title="Strategy",
                                    period_start=2026, period_end=2029)


def titles(strategy):
    return list(Section.objects.filter(strategy=strategy).order_by("position").values_list("title", flat=True))


class TestSections:
    def test_the_eleven_start_in_template_order(self, strategy):
        assert [s.template_key for s in strategy.sections.order_by("position")] == [
            "introduction", "vision", "governance", "local_context", "aims_outcomes", "prevention_disruption",
            "identification", "supportive_response", "workforce", "action_plan", "monitoring",
        ]

    def test_front_sections_go_before_the_template_in_their_own_order_and_extras_at_the_end(self, strategy, actor):
        services.section_create(strategy=strategy, actor=actor, kind="extra", title="Our journey so far")
        services.section_create(strategy=strategy, actor=actor, kind="definitions", title="Definitions")
        services.section_create(strategy=strategy, actor=actor, kind="foreword", title="Joint foreword")
        services.section_create(strategy=strategy, actor=actor, kind="content_warning", title="Content warning")
        order = titles(strategy)
        assert order[:4] == ["Joint foreword", "Content warning", "Definitions", "Introduction"]
        assert order[-1] == "Our journey so far"
        positions = list(strategy.sections.order_by("position").values_list("position", flat=True))
        assert positions == list(range(10, 10 * len(positions) + 1, 10))
        assert AuditEvent.objects.filter(verb="section.created").count() == 4

    def test_only_one_foreword(self, strategy, actor):
        services.section_create(strategy=strategy, actor=actor, kind="foreword", title="Foreword")
        with pytest.raises(ValidationError, match="already has a foreword"):
            services.section_create(strategy=strategy, actor=actor, kind="foreword", title="Another")
        assert strategy.sections.filter(kind="foreword").count() == 1

    def test_template_sections_cannot_be_added_or_removed(self, strategy, actor):
        with pytest.raises(ValidationError):
            services.section_create(strategy=strategy, actor=actor, kind="template", title="Twelfth")
        intro = strategy.sections.get(template_key="introduction")
        with pytest.raises(ValidationError, match="cannot be removed"):
            services.section_delete(section=intro, actor=actor)
        assert strategy.sections.count() == 11

    def test_an_extra_section_can_be_deleted_and_the_deletion_is_recorded(self, strategy, actor):
        extra = services.section_create(strategy=strategy, actor=actor, kind="extra", title="Appendix")
        pk = extra.pk
        services.section_delete(section=extra, actor=actor)
        assert not Section.objects.filter(pk=pk).exists()
        event = AuditEvent.objects.get(verb="section.deleted")
        assert (event.actor, event.summary, event.partnership, event.object_id) == (
            actor, "Appendix", strategy.partnership, str(pk))
        assert Section.history.get(id=pk, history_type="-").history_user == actor

    def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends(self, strategy, actor):
        vision = strategy.sections.get(template_key="vision")
        assert services.section_move(section=vision, actor=actor, direction="up") is True
        assert titles(strategy)[:2] == ["Shared vision and strategic priorities", "Introduction"]
        vision.refresh_from_db()
        assert services.section_move(section=vision, actor=actor, direction="up") is False
        last = strategy.sections.get(template_key="monitoring")
        assert services.section_move(section=last, actor=actor, direction="down") is False
        with pytest.raises(ValidationError):
            services.section_move(section=last, actor=actor, direction="sideways")

    def test_a_stale_edit_is_refused_and_the_saved_text_kept(self, strategy, actor):
        section = strategy.sections.get(template_key="introduction")
        services.section_update(section=section, actor=actor, title=section.title, body="First", expected_revision=1)
        with pytest.raises(ConflictError) as error:
            services.section_update(section=section, actor=UserFactory(), title=section.title, body="Second",
                                    expected_revision=1)
        assert error.value.current.body == "First"
        section.refresh_from_db()
        assert (section.body, section.revision) == ("First", 2)


class TestPriorities:
    def test_numbering_follows_creation_deletion_closes_the_gap(self, strategy, actor):
        made = [services.priority_create(strategy=strategy, actor=actor, title=t) for t in ("A", "B", "C")]
        assert [p.number for p in made] == [1, 2, 3]
        services.priority_delete(priority=made[0], actor=actor)
        assert list(Priority.objects.filter(strategy=strategy).values_list("title", "number")) == [("B", 1), ("C", 2)]

    def test_move_renumbers_and_keeps_history(self, strategy, actor):
        a = services.priority_create(strategy=strategy, actor=actor, title="A")
        services.priority_create(strategy=strategy, actor=actor, title="B")
        assert services.priority_move(priority=a, actor=actor, direction="down")
        assert list(Priority.objects.filter(strategy=strategy).values_list("title", flat=True)) == ["B", "A"]
        assert Priority.history.filter(id=a.pk, number=2).exists()

    def test_update_records_only_changed_fields(self, strategy, actor):
        p = services.priority_create(strategy=strategy, actor=actor, title="A")
        services.priority_update(priority=p, actor=actor, title="A", what_this_means="Meaning")
        event = AuditEvent.objects.get(verb="priority.updated")
        assert event.changes == {"what_this_means": ["", "Meaning"]}


class TestGovernance:
    def test_create_with_members_and_reporting_line(self, strategy, actor):
        agency = AgencyFactory(partnership=strategy.partnership)
        board = services.governance_body_create(strategy=strategy, actor=actor, name="Board", kind="board")
        group = services.governance_body_create(strategy=strategy, actor=actor, name="Group", kind="steering_group",
                                                reports_to=board, member_agencies=[agency], chair="Head of Service")
        assert list(group.member_agencies.all()) == [agency]
        assert list(board.reporting_bodies.all()) == [group]

    def test_a_reporting_loop_is_refused(self, strategy, actor):
        board = services.governance_body_create(strategy=strategy, actor=actor, name="Board")
        group = services.governance_body_create(strategy=strategy, actor=actor, name="Group", reports_to=board)
        task = services.governance_body_create(strategy=strategy, actor=actor, name="Task", reports_to=group)
        with pytest.raises(ValidationError) as error:
            services.governance_body_update(body=board, actor=actor, reports_to=task)
        assert "reports_to" in error.value.message_dict
        with pytest.raises(ValidationError):
            services.governance_body_update(body=board, actor=actor, reports_to=board)
        board.refresh_from_db()
        assert board.reports_to is None

    def test_bodies_and_agencies_of_elsewhere_are_refused(self, strategy, actor):
        elsewhere = GovernanceBodyFactory()
        with pytest.raises(ValidationError):
            services.governance_body_create(strategy=strategy, actor=actor, name="G", reports_to=elsewhere)
        with pytest.raises(ValidationError):
            services.governance_body_create(strategy=strategy, actor=actor, name="G", member_agencies=[AgencyFactory()])
        assert not GovernanceBody.objects.filter(strategy=strategy).exists()

    def test_deleting_a_parent_leaves_its_children_reporting_to_no_one(self, strategy, actor):
        board = services.governance_body_create(strategy=strategy, actor=actor, name="Board")
        group = services.governance_body_create(strategy=strategy, actor=actor, name="Group", reports_to=board)
        services.governance_body_delete(body=board, actor=actor)
        group.refresh_from_db()
        assert group.reports_to is None

    def test_member_changes_are_recorded(self, strategy, actor):
        agency = AgencyFactory(partnership=strategy.partnership, name="Police")
        body = services.governance_body_create(strategy=strategy, actor=actor, name="Group")
        services.governance_body_update(body=body, actor=actor, member_agencies=[agency], name="Group")
        assert AuditEvent.objects.get(verb="governance_body.members_changed").changes == {"member_agencies": ["Police"]}
        assert not AuditEvent.objects.filter(verb="governance_body.updated").exists()


class TestAimsAndOutcomes:
    def test_moving_an_aim_renumbers_and_leaves_action_references_alone(self, actor):
        strategy = StrategyFactory()
        first, second = StrategicAimFactory(strategy=strategy, number=1), StrategicAimFactory(strategy=strategy, number=2)
        outcome = IntendedOutcomeFactory(aim=first, number=1)
        action = ActionFactory(outcome=outcome, reference="1.1")
        assert services.aim_move(aim=second, actor=actor, direction="up")
        first.refresh_from_db(), second.refresh_from_db(), action.refresh_from_db()
        assert (first.number, second.number, action.reference) == (2, 1, "1.1")
        assert AuditEvent.objects.filter(verb="aim.moved").count() == 1

    def test_renumbering_many_aims_in_one_transaction(self, actor):
        strategy = StrategyFactory()
        aims = [StrategicAimFactory(strategy=strategy, number=n) for n in range(1, 8)]
        services.aim_move(aim=aims[0], actor=actor, direction="down")
        services.aim_delete(aim=aims[3], actor=actor)
        assert list(StrategicAim.objects.filter(strategy=strategy).values_list("pk", "number")) == [
            (aims[1].pk, 1), (aims[0].pk, 2), (aims[2].pk, 3), (aims[4].pk, 4), (aims[5].pk, 5), (aims[6].pk, 6),
        ]

    def test_an_aim_whose_outcomes_have_actions_cannot_be_deleted(self, actor):
        action = ActionFactory()
        aim = action.outcome.aim
        with pytest.raises(ValidationError, match="Move or delete those actions first"):
            services.aim_delete(aim=aim, actor=actor)
        assert StrategicAim.objects.filter(pk=aim.pk).exists()

    def test_an_outcome_with_actions_cannot_be_deleted(self, actor):
        action = ActionFactory()
        with pytest.raises(ValidationError, match=f"{action.outcome.reference} has actions"):
            services.outcome_delete(outcome=action.outcome, actor=actor)
        assert IntendedOutcome.objects.filter(pk=action.outcome.pk).exists()

    def test_deleting_an_outcome_deletes_its_measures_and_closes_the_gap(self, actor):
        aim = StrategicAimFactory()
        first, second = IntendedOutcomeFactory(aim=aim, number=1), IntendedOutcomeFactory(aim=aim, number=2)
        MeasureFactory(outcome=first)
        services.outcome_delete(outcome=first, actor=actor)
        second.refresh_from_db()
        assert second.number == 1
        assert not Measure.objects.filter(outcome_id=first.pk).exists()

    def test_outcomes_move_within_their_aim(self, actor):
        aim = StrategicAimFactory()
        a, b = IntendedOutcomeFactory(aim=aim, number=1), IntendedOutcomeFactory(aim=aim, number=2)
        other_aim_outcome = IntendedOutcomeFactory(aim=StrategicAimFactory(strategy=aim.strategy), number=1)
        services.outcome_move(outcome=b, actor=actor, direction="up")
        a.refresh_from_db(), b.refresh_from_db(), other_aim_outcome.refresh_from_db()
        assert (a.number, b.number, other_aim_outcome.number) == (2, 1, 1)

    def test_aim_update_records_changes(self, actor):
        aim = StrategicAimFactory(title="Old")
        services.aim_update(aim=aim, actor=actor, title="New", what_this_means=aim.what_this_means,
                            what_we_want_to_see=aim.what_we_want_to_see)
        assert AuditEvent.objects.get(verb="aim.updated").changes == {"title": ["Old", "New"]}

    def test_aim_tags_are_set_and_recorded(self, actor):
        aim = StrategicAimFactory()
        online = FormOfAbuse.objects.get(code="online")
        services.aim_update(aim=aim, actor=actor, forms_of_abuse=[online], affected_groups=[])
        assert list(aim.forms_of_abuse.all()) == [online]
        event = AuditEvent.objects.get(verb="aim.tags_changed")
        assert event.changes == {"forms_of_abuse": {"added": ["online"], "removed": []}}
        assert not AuditEvent.objects.filter(verb="aim.updated").exists()


class TestMeasures:
    def test_create_update_delete(self, actor):
        outcome = IntendedOutcomeFactory()
        measure = services.measure_create(outcome=outcome, actor=actor, indicator="Children identified",
                                          baseline="318 (2025-26)", target="Rise year on year", ignored="x")
        assert list(outcome.measures.values_list("indicator", "baseline")) == [("Children identified", "318 (2025-26)")]
        services.measure_update(measure=measure, actor=actor, frequency="Quarterly")
        measure.refresh_from_db()
        assert measure.frequency == "Quarterly"
        services.measure_delete(measure=measure, actor=actor)
        assert not outcome.measures.exists()
        assert [e.verb for e in AuditEvent.objects.order_by("id")] == [
            "measure.created", "measure.updated", "measure.deleted"]

    def test_an_indicator_is_required(self, actor):
        with pytest.raises(ValidationError) as error:
            services.measure_create(outcome=IntendedOutcomeFactory(), actor=actor, indicator="")
        assert "indicator" in error.value.message_dict


class TestCoverage:
    def test_it_sets_and_records_what_changed(self, strategy, actor):
        forms = list(FormOfAbuse.objects.order_by("number")[:2])
        groups = list(AffectedGroup.objects.order_by("number")[:1])
        services.strategy_set_coverage(strategy=strategy, actor=actor, forms_of_abuse=forms, affected_groups=groups)
        assert set(strategy.forms_of_abuse.all()) == set(forms)
        event = AuditEvent.objects.get(verb="strategy.coverage_changed")
        assert event.changes["forms_of_abuse"] == {"added": sorted(f.code for f in forms), "removed": []}
        services.strategy_set_coverage(strategy=strategy, actor=actor, forms_of_abuse=forms[:1], affected_groups=groups)
        assert list(strategy.forms_of_abuse.all()) == forms[:1]
        assert AuditEvent.objects.filter(verb="strategy.coverage_changed").count() == 2
        services.strategy_set_coverage(strategy=strategy, actor=actor, forms_of_abuse=forms[:1], affected_groups=groups)
        assert AuditEvent.objects.filter(verb="strategy.coverage_changed").count() == 2
