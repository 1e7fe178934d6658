"""Load the fictional demo partnership from fixtures/demo/*.json and print the demo logins.

The data files hold each record as the arguments of the service that creates it, with other records named by a
key (agencies), a reference ('1.2' for an outcome) or an email (people). This loader only resolves those names
and calls the services, so every demo record is validated and audited as a user's would be.

For development and demonstrations only: the command refuses to run when DEBUG is off unless --force is given,
because it sets well-known passwords. Safe to run again: each part is loaded only when it is missing, and the
demo users are made sure to exist with their memberships and the demo password.
"""
import json
import random
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from actionplan.models import Action, ActionUpdate
from actionplan.services import action_create, action_update_progress, progress_snapshot_take
from audits.models import Audit
from audits.services import audit_create, case_create, finding_create
from exports.models import PartnershipBranding
from exports.services import branding_update, challenge_raise, challenge_respond, export_render, export_request
from impact.models import LocalDataPeriod, MeasureDataPoint
from impact.services import breakdown_record, data_point_record, figure_record, period_create
from partnerships.audit import record
from partnerships.models import (
    AffectedGroup,
    Agency,
    CoreComponent,
    FormOfAbuse,
    Membership,
    Partnership,
    Recommendation,
    Role,
    User,
)
from partnerships.reference import load_reference_data
from partnerships.secret_links import token_hash
from reviews.models import ReviewInvitation
from reviews.services import (
    review_comment_add,
    review_comment_resolve,
    review_invite_members,
    review_respond,
    review_round_close,
    review_round_open,
)
from strategy import services as drafting
from strategy.models import Measure
from workforce.models import QuestionKind, QuestionTheme, StaffSurvey, TrainingNeedsAssessment
from workforce.services import (
    assessment_create,
    course_create,
    need_create,
    resource_create,
    response_submit,
    survey_create,
    survey_release_results,
    survey_set_open,
    take_up_set,
)

DATA_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"


def data(name):
    with open(DATA_DIR / f"{name}.json", encoding="utf-8") as file:
        return json.load(file)


def _date(value):
    return date.fromisoformat(value) if value else None


def _aware(day):
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(10, 0)))


def _without(spec, *names):
    return {k: v for k, v in spec.items() if k not in names and not k.startswith("_")}


def demo_logo_png(accent):
    """A simple generated logo for the demo partnership (no third-party artwork)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 110, 110), fill=accent)
    draw.ellipse((45, 30, 75, 60), fill="white")
    draw.rectangle((130, 40, 350, 52), fill=accent)
    draw.rectangle((130, 68, 300, 80), fill="#b1b4b6")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Demo:
    """The demo partnership's records, looked up by the names the data files use."""

    def __init__(self, partnership, people):
        self.partnership = partnership
        self.people = people
        by_short_name = {a.short_name: a for a in partnership.agencies.all()}
        self.agencies = {key: by_short_name.get(spec["short_name"]) for key, spec in people["agencies"].items()}
        self.users = {u.email: u for u in User.objects.filter(email__in=[p["email"] for p in people["users"]])}
        self.manager = self.users.get("manager@demo.example")
        self.strategy = partnership.strategies.order_by("id").first()
        self.forms = {f.number: f for f in FormOfAbuse.objects.all()}

    def agency(self, key):
        return self.agencies[key] if key else None

    def outcome(self, reference):
        aim, number = (int(n) for n in reference.split("."))
        return self.strategy.aims.get(number=aim).outcomes.get(number=number)

    def action(self, starts):
        return Action.objects.filter(strategy=self.strategy, text__startswith=starts).first() if starts else None


class Command(BaseCommand):
    help = (
        "Load the fictional 'Ashvale and Northmere' demo partnership with a draft strategy, action plan, audits and "
        "training needs assessment, and print the demo logins. Development only: refuses to run with DEBUG off "
        "unless --force is given. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Run even though DEBUG is off. The demo users have a published password: never use this in production.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off. The demo creates users with a well-known password, so it must not be loaded into "
                "a production database. Use --force if you are sure."
            )
        people = data("partnership")
        with transaction.atomic():
            if Recommendation.objects.count() < 6 or CoreComponent.objects.count() < 4 or FormOfAbuse.objects.count() < 6:
                load_reference_data()
            partnership = Partnership.objects.filter(slug=people["partnership"]["slug"]).first()
            if partnership is None:
                if Partnership.objects.filter(name=people["partnership"]["name"]).exists():
                    raise CommandError(f"A partnership called {people['partnership']['name']!r} exists with another "
                                       "slug; not loading the demo.")
                self._load(people)
            else:
                self._ensure_users(partnership, people)
                self._load_rest(Demo(partnership, people))
                self.stdout.write(f"The demo partnership is already loaded ({partnership.name}); "
                                  "demo users checked and passwords reset.")
            # Today's figures for the progress trend; the nightly task adds one row a day from here on.
            demo = Partnership.objects.get(slug=people["partnership"]["slug"])
            for strategy_id in demo.strategies.exclude(status="superseded").values_list("pk", flat=True):
                progress_snapshot_take(strategy_id=strategy_id, day=timezone.localdate())
        self._print_logins(people)

    def _ensure_users(self, partnership, people):
        """Make sure the demo users exist, with the demo password and their membership."""
        agencies = {a.short_name: a for a in partnership.agencies.all()}
        for person in people["users"]:
            email, key = person["email"], person["agency"]
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, people["password"], full_name=person["full_name"])
            else:
                user.set_password(people["password"])
                user.is_active = True
                user.full_name = user.full_name or person["full_name"]
                user.save()
            agency = agencies.get(people["agencies"][key]["short_name"]) if key else None
            if key and agency is None:
                self.stderr.write(f"No agency {people['agencies'][key]['short_name']!r} in the demo partnership; "
                                  f"membership of {email} left as it is.")
                continue
            Membership.objects.update_or_create(
                user=user, partnership=partnership, defaults={"role": person["role"], "agency": agency, "is_active": True}
            )

    def _print_logins(self, people):
        password = people["password"]
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for person in people["users"]:
            key = person["agency"]
            agency = f" ({people['agencies'][key]['short_name']})" if key else ""
            self.stdout.write(f"  {Role(person['role']).label + agency:<46} {person['email']:<26} {password}")
        self.stdout.write(self.style.WARNING("These accounts are for development and demonstrations only."))

    # -- the first load --------------------------------------------------------

    def _load(self, people):
        partnership = Partnership.objects.create(**people["partnership"])
        for spec in people["agencies"].values():
            Agency.objects.create(partnership=partnership, **spec)
        self._ensure_users(partnership, people)
        demo = Demo(partnership, people)
        record(actor=demo.manager, verb="demo.loaded", obj=partnership, partnership=partnership,
               summary=partnership.name)
        drafted = data("strategy")
        demo.strategy = self._load_strategy(demo, drafted)
        plan = data("actionplan")
        self._load_actions(demo, plan["actions"])
        self._load_review(demo, data("reviews"))
        evidence = data("evidence")
        for spec in evidence["audits"]:
            audit_create(partnership=partnership, actor=demo.manager, strategy=demo.strategy,
                         audit_date=_date(spec["audit_date"]), agencies=[demo.agency(k) for k in spec["agencies"]],
                         **_without(spec, "agencies", "audit_date", "cases", "findings"))
        tna = evidence["training_needs_assessment"]
        assessment_create(partnership=partnership, actor=demo.manager, strategy=demo.strategy,
                          period_start=_date(tna["period_start"]), period_end=_date(tna["period_end"]),
                          **_without(tna, "period_start", "period_end", "courses", "resources", "needs", "survey"))
        self._load_branding(demo)
        self._load_scrutiny(demo, data("reviews")["scrutiny"])
        self._load_rest(demo)
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {partnership.name}: {len(people['agencies'])} agencies, {len(people['users'])} users, "
            f"{demo.strategy.aims.count()} aims, {sum(len(a['outcomes']) for a in drafted['aims'])} outcomes, "
            f"{demo.strategy.actions.count()} actions, {len(drafted['priorities'])} priorities, "
            f"{len(drafted['governance_bodies'])} governance bodies, {len(drafted['measures'])} measures, "
            f"{len(evidence['audits'])} audits, 1 training needs assessment."
        ))

    def _load_strategy(self, demo, drafted):
        manager = demo.manager
        strategy = drafting.strategy_create(partnership=demo.partnership, actor=manager, **drafted["strategy"])
        for section in strategy.sections.all():
            body = drafted["section_bodies"].get(section.template_key)
            if body:
                drafting.section_update(section=section, actor=manager, title=section.title, body=body,
                                        expected_revision=section.revision)
        for spec in drafted["aims"]:
            aim = drafting.aim_create(strategy=strategy, actor=manager, **_without(spec, "outcomes"))
            for number, text in enumerate(spec["outcomes"], start=1):
                drafting.outcome_create(aim=aim, actor=manager, text=text, number=number)
        demo.strategy = strategy
        for spec in drafted["priorities"]:
            drafting.priority_create(strategy=strategy, actor=manager, **spec)
        bodies = {}
        for spec in drafted["governance_bodies"]:
            bodies[spec["key"]] = drafting.governance_body_create(
                strategy=strategy, actor=manager, reports_to=bodies.get(spec["reports_to"]),
                member_agencies=[demo.agency(k) for k in spec["member_agencies"]],
                **_without(spec, "key", "reports_to", "member_agencies"),
            )
        for spec in drafted["measures"]:
            drafting.measure_create(outcome=demo.outcome(spec["outcome"]), actor=manager, **_without(spec, "outcome"))
        drafting.strategy_set_coverage(
            strategy=strategy, actor=manager, forms_of_abuse=list(FormOfAbuse.objects.all()),
            affected_groups=list(AffectedGroup.objects.exclude(code__in=drafted["coverage"]["affected_groups_left_out"])),
        )
        for spec in drafted["sections"]:
            drafting.section_create(strategy=strategy, actor=manager, **spec)
        return strategy

    def _load_actions(self, demo, actions):
        components = {c.code: c for c in CoreComponent.objects.all()}
        recommendations = {r.number: r for r in Recommendation.objects.all()}
        # Who records progress: the steering member of the lead agency where there is one, else the manager.
        updaters = {demo.agency(p["agency"]).pk: demo.users[p["email"]]
                    for p in demo.people["users"] if p["role"] == Role.STEERING_MEMBER}
        for spec in actions:
            lead = demo.agency(spec["lead_agency"])
            action = action_create(
                outcome=demo.outcome(spec["outcome"]), actor=demo.manager, lead_agency=lead,
                core_component=components[spec["core_component"]],
                recommendations=[recommendations[n] for n in spec["recommendations"]],
                supporting_agencies=[demo.agency(k) for k in spec["supporting_agencies"]],
                **{name: _date(spec[name]) for name in ("commencement_date", "completion_date") if name in spec},
                **_without(spec, "outcome", "lead_agency", "core_component", "recommendations", "supporting_agencies",
                           "commencement_date", "completion_date", "updates"),
            )
            for update in spec["updates"]:
                saved = action_update_progress(action=action, actor=updaters.get(lead.pk, demo.manager),
                                               as_of=_aware(update["on"]).date(), **_without(update, "on"))
                # Give the timeline realistic dates, so the history reads well and some actions are stale.
                ActionUpdate.objects.filter(pk=saved.pk).update(created_at=_aware(update["on"]))
                Action.objects.filter(pk=action.pk).update(last_update_at=_aware(update["on"]))

    def _load_review(self, demo, review):
        """One closed review round with members' responses, an outside adviser and section comments."""
        import secrets

        manager = demo.manager
        review_round = review_round_open(strategy=demo.strategy, actor=manager, **review["round"])
        memberships = [m for m in demo.partnership.memberships.select_related("user", "agency")
                       if m.user.email in review["responses"]]
        invitations = {i.user.email: i for i in review_invite_members(
            review_round=review_round, actor=manager, memberships=memberships)}
        # The adviser's link was emailed in the story; the demo keeps no usable token and sends nothing.
        invitations[None] = ReviewInvitation.objects.create(
            round=review_round, invited_by=manager, token_hash=token_hash(secrets.token_urlsafe(32)),
            **review["outside_reviewer"],
        )
        for email, ratings in review["responses"].items():
            review_respond(invitation=invitations[email], actor=demo.users[email],
                           ratings={code: tuple(pair) for code, pair in ratings.items()})
        sections = {s.template_key: s for s in demo.strategy.sections.all()}
        for spec in review["comments"]:
            comment = review_comment_add(invitation=invitations[spec["reviewer"]], actor=demo.users.get(spec["reviewer"]),
                                         text=spec["text"], section=sections.get(spec["section"]))
            if spec["resolution"]:
                review_comment_resolve(comment=comment, actor=manager, note=spec["resolution"])
        review_round_close(review_round=review_round, actor=manager)

    def _load_scrutiny(self, demo, scrutiny):
        """An export of the draft with one challenge from the scrutineer and the manager's response."""
        export, _ = export_request(strategy=demo.strategy, actor=demo.manager)
        # A request leaves the render to the worker; the loader renders the demo's export itself, as the worker
        # would, so the challenge can point at one of its sections.
        export = export_render(export_id=export.pk)
        challenge = scrutiny["challenge"]
        section_key = next((s["key"] for s in export.content_snapshot["sections"] if s["title"] == challenge["section"]), "")
        raised = challenge_raise(export=export, actor=demo.users[challenge["by"]], section_key=section_key,
                                 page_reference="", text=challenge["text"])
        challenge_respond(challenge=raised, actor=demo.users[scrutiny["response"]["by"]], text=scrutiny["response"]["text"])

    # -- the parts added whenever they are missing ---------------------------------

    def _load_rest(self, demo):
        self._load_branding(demo)
        cases, responses = self._load_evidence(demo, data("evidence"))
        if cases or responses:
            self.stdout.write(f"Evidence added: {cases} audit cases with findings, {responses} staff survey responses.")
        self._load_local_data(demo, data("local_data"))
        self._load_measure_data(demo, data("actionplan")["measure_data"])

    def _load_branding(self, demo):
        if PartnershipBranding.objects.filter(partnership=demo.partnership).exists():
            return
        accent = demo.people["branding"]["accent_colour"]
        branding_update(partnership=demo.partnership, actor=demo.manager, accent_colour=accent,
                        logo_alt=f"{demo.partnership.name} logo", logo=demo_logo_png(accent), logo_format="png")

    def _load_local_data(self, demo, local):
        if LocalDataPeriod.objects.filter(partnership=demo.partnership).exists():
            return
        for spec in local["periods"]:
            period = period_create(partnership=demo.partnership, actor=demo.manager, start_date=_date(spec["start_date"]),
                                   end_date=_date(spec["end_date"]),
                                   **_without(spec, "start_date", "end_date", "figures", "breakdowns"))
            figures = {f["measure"]: figure_record(period=period, actor=demo.manager,
                                                   source_agency=demo.agency(f["source_agency"]),
                                                   **_without(f, "source_agency"))
                       for f in spec["figures"]}
            for b in spec["breakdowns"]:
                breakdown_record(figure=figures[b["figure"]], actor=demo.manager, **_without(b, "figure"))

    def _load_evidence(self, demo, evidence):
        """The completed audit's cases and findings, and the assessment's provision, needs and staff survey."""
        cases = responses = 0
        recommendations = {r.number: r for r in Recommendation.objects.all()}
        audit = Audit.objects.filter(partnership=demo.partnership, status="complete").order_by("id").first()
        spec = next((a for a in evidence["audits"] if "cases" in a), None)
        if audit is not None and spec is not None and not audit.cases.exists():
            for case in spec["cases"]:
                case_create(audit=audit, actor=demo.manager,
                            forms_of_abuse=[demo.forms[n] for n in case["forms_of_abuse"] if n in demo.forms],
                            agencies_involved=[demo.agency(k) for k in case["agencies_involved"]],
                            **_without(case, "forms_of_abuse", "agencies_involved"))
                cases += 1
            for finding in spec["findings"]:
                saved = finding_create(audit=audit, actor=demo.manager, agencies=[demo.agency(k) for k in finding["agencies"]],
                                       recommendation=recommendations.get(finding["recommendation"]),
                                       **_without(finding, "agencies", "recommendation", "action"))
                action = demo.action(finding["action"])
                if action:
                    saved.actions.add(action)
        assessment = TrainingNeedsAssessment.objects.filter(partnership=demo.partnership).order_by("id").first()
        if assessment is not None and not StaffSurvey.objects.filter(assessment=assessment).exists():
            responses = self._load_assessment(demo, assessment, evidence["training_needs_assessment"])
        return cases, responses

    def _load_assessment(self, demo, assessment, tna):
        manager = demo.manager
        for spec in tna["courses"]:
            course = course_create(
                assessment=assessment, actor=manager,
                forms_of_abuse=[demo.forms[n] for n in spec["forms_of_abuse"] if n in demo.forms],
                audience_agencies=[demo.agency(k) for k in spec["audience_agencies"]],
                **_without(spec, "forms_of_abuse", "audience_agencies", "take_up"),
            )
            for take_up in spec["take_up"]:
                take_up_set(course=course, actor=manager, agency=demo.agency(take_up["agency"]),
                            **_without(take_up, "agency"))
        for spec in tna["resources"]:
            resource_create(assessment=assessment, actor=manager, last_reviewed=_date(spec["last_reviewed"]),
                            **_without(spec, "last_reviewed"))
        for spec in tna["needs"]:
            action = demo.action(spec["action"])
            need_create(assessment=assessment, actor=manager, agency=demo.agency(spec["agency"]),
                        actions=[action] if action else [], **_without(spec, "agency", "action"))
        return self._load_survey(demo, assessment, tna["survey"])

    def _load_survey(self, demo, assessment, spec):
        """Staff survey responses generated from a fixed seed, so every demo database holds the same ones."""
        survey = survey_create(assessment=assessment, actor=demo.manager)
        survey = survey_set_open(survey=survey, actor=demo.manager, is_open=True)
        questions = list(survey.questions.all())
        rng = random.Random(spec["seed"])
        lifted = set(spec["lift_for_agencies"]["agencies"])
        count = 0
        for group in spec["respondents"]:
            for _ in range(group["count"]):
                role = rng.choice(spec["roles"])
                answers = {}
                for question in questions:
                    if question.kind == QuestionKind.LIKERT:
                        if question.theme == QuestionTheme.SUPPORT and role == "practitioner":
                            continue
                        # Confidence runs ahead of knowledge, most of all in universal services.
                        base = spec["base_score"].get(question.theme, 3.0)
                        base += spec["lift_for_agencies"]["lift"] if group["agency"] in lifted else 0
                        answers[question] = max(1, min(5, round(rng.gauss(base, 0.9))))
                    elif rng.random() < 0.4:
                        answers[question] = rng.choice(spec["free_text"])
                response_submit(survey=survey, agency=demo.agency(group["agency"]), role=role, answers=answers)
                count += 1
        # The demo's results are shown at once: its responses form one release (see workforce.services).
        survey_release_results(survey=survey)
        return count

    def _load_measure_data(self, demo, points):
        """A few data points for the current strategy's measures, only when it has none yet."""
        strategy = demo.partnership.strategies.exclude(status="superseded").order_by("-pk").first()
        if strategy is None or MeasureDataPoint.objects.filter(measure__outcome__aim__strategy=strategy).exists():
            return
        for spec in points:
            aim, number = (int(n) for n in spec["outcome"].split("."))
            measure = Measure.objects.filter(outcome__aim__strategy=strategy, outcome__aim__number=aim,
                                             outcome__number=number, indicator__startswith=spec["measure"]).first()
            if measure is not None:
                data_point_record(measure=measure, actor=demo.manager, period_label=spec["period_label"],
                                  period_end=_date(spec["period_end"]), value=Decimal(str(spec["value"])),
                                  note=spec["note"])
