"""Load a fictional demo partnership with a draft strategy, action plan, audits and a
training needs assessment, and print the demo logins.

For development and demonstrations only: the command refuses to run when DEBUG is
off unless --force is given, because it sets well-known passwords.

Idempotent: when the partnership with slug "demo" already exists nothing is added;
the five demo users are made sure to exist (with their memberships) and their
passwords are reset to the demo password.
"""
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from actionplan.models import Action, ActionStatus, ActionUpdate
from actionplan.services import action_create, action_update_progress, progress_snapshot_take
from audits.models import Audit, AuditStatus
from impact.models import MeasureDataPoint
from impact.services import data_point_record
from partnerships.audit import record
from partnerships.models import (
    AffectedGroup,
    Agency,
    CoreComponent,
    FormOfAbuse,
    Membership,
    Nation,
    Partnership,
    Recommendation,
    Role,
    Sector,
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
from strategy.models import GovernanceKind, Measure, SectionKind
from strategy.services import (
    aim_create,
    governance_body_create,
    measure_create,
    outcome_create,
    priority_create,
    section_create,
    section_update,
    strategy_create,
    strategy_set_coverage,
)
from workforce.models import AssessmentStatus, TrainingNeedsAssessment

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-password-1"

PARTNERSHIP = {
    "name": "Ashvale and Northmere Safeguarding Children Partnership",
    "slug": DEMO_SLUG,
    "nation": Nation.ENGLAND,
    "area": "Ashvale and Northmere (one unitary council area: two market towns and the villages between them)",
    "child_population_under_16": 61400,
}

# key: (name, short name, sector, statutory partner)
AGENCIES = {
    "council": (
        "Ashvale and Northmere Council – Children's Services", "Children's Services", Sector.LOCAL_AUTHORITY, True,
    ),
    "police": ("Northmere Vale Police", "Police", Sector.POLICE, True),
    "icb": ("NHS Ashvale and Northmere Integrated Care Board", "ICB", Sector.HEALTH, True),
    "trust": ("Northmere Hospitals and Community NHS Foundation Trust", "NHS Trust", Sector.HEALTH, False),
    "schools": ("Ashvale and Northmere Schools Safeguarding Forum", "Schools", Sector.EDUCATION, False),
    "probation": ("Probation Service – Northmere Vale", "Probation", Sector.PROBATION, False),
    "brightwell": ("Brightwell Children's Therapeutic Service", "Brightwell", Sector.VOLUNTARY, False),
    "survivors": ("Northmere Survivors Together", "Survivors Together", Sector.VOLUNTARY, False),
    "opcc": ("Office of the Police and Crime Commissioner for Northmere Vale", "OPCC", Sector.OTHER, False),
}

# email: (full name, role, agency key or None)
USERS = {
    "manager@demo.example": ("Priya Ramsden", Role.BUSINESS_MANAGER, None),
    "member@demo.example": ("Tom Hallworth", Role.STEERING_MEMBER, "police"),
    "member2@demo.example": ("Grace Okonjo", Role.STEERING_MEMBER, "council"),
    "scrutineer@demo.example": ("Martin Ellery", Role.SCRUTINEER, None),
    "viewer@demo.example": ("Sam Whitlock", Role.VIEWER, None),
}

STRATEGY = {
    "title": "Child Sexual Abuse Strategy",
    "period_start": 2026,
    "period_end": 2029,
    "vision": (
        "Every child in Ashvale and Northmere grows up safe from sexual abuse. Where abuse happens, it is noticed "
        "early, children are helped to tell, and they and their families are believed and supported to recover."
    ),
    "strapline": "Notice it. Name it. Stop it.",
}

# Section bodies by template key. Sections not listed here are left empty on purpose,
# so the completeness view has something to show.
SECTIONS = {
    "introduction": """\
Child sexual abuse is one of the most damaging harms a child can experience, and one of the least visible. Most children who are sexually abused do not tell anyone at the time, and many never come to the attention of any agency. This strategy sets out how the partners in Ashvale and Northmere will work together, over four years, to prevent child sexual abuse, to notice it sooner and to respond well when it comes to light.

### The national picture

National research suggests that at least one child in ten is sexually abused before the age of 16, yet only a small fraction of that number is ever identified by children's services or the police. Abuse within the family network is the most common form and the least often recognised. The recent national review of child sexual abuse in the family found that professionals too often waited for a child to tell rather than acting on what they could already see.

### What shapes this strategy

- Working Together to Safeguard Children and the duties it places on the three safeguarding partners
- The six national-review recommendations for safeguarding partners
- The national guide for partnerships on developing a strategic response to child sexual abuse
- What local children, parents and adult victims and survivors told us during 2025
""",
    "vision": """\
Our vision is that every child in Ashvale and Northmere grows up safe from sexual abuse, and that when abuse does happen it is noticed early, children are helped to tell, and they and their families are believed and supported to recover.

All partners have signed up to five commitments, set out with what each means in the table of priorities.

The vision was tested with the youth council, with a parents' group run by Brightwell, and with adult victims and survivors through Northmere Survivors Together. Their words shaped the strapline.
""",
    "governance": """\
The Safeguarding Children Partnership Executive owns this strategy and holds partners to account for delivering it. A Child Sexual Abuse Steering Group, chaired by the Head of Safeguarding and Quality in Children's Services, drives delivery day to day and reports to the Executive every quarter.

### Who sits on the steering group

Children's Services, Northmere Vale Police, the Integrated Care Board, the NHS Trust, schools, probation, Brightwell, Northmere Survivors Together and the Office of the Police and Crime Commissioner each name a representative. The group meets every six weeks.

### How we hold each other to account

Each action in the plan has one lead agency and a named lead. Leads update progress in the portal before every steering group meeting. Actions that are overdue or off track are escalated to the Executive, and the independent scrutineer reviews the plan twice a year.
""",
    "local_context": """\
Around 61,400 children under 16 live in Ashvale and Northmere. If at least one in ten is sexually abused before their sixteenth birthday, more than 6,000 local children are likely to be affected. In 2025–26 agencies identified far fewer:

- 318 children's social care assessments recorded sexual abuse as a factor
- 37 children were subject to a child protection plan under the category of sexual abuse
- 466 sexual offences against children were recorded by the police

### Our current response

Partners have a joint investigation protocol and a paediatric pathway at the Northmere sexual assault referral centre. A multi-agency audit in 2025 found good joint working once abuse was known, but too little curiosity when signs were indirect, and long waits for therapeutic support.

### Gaps we know about

Identification of abuse within the family network is low compared with the prevalence estimate. Disabled children and children from some minority ethnic communities are under-represented in referrals. Support for children who display harmful sexual behaviour, and for their parents, is patchy across the two towns.
""",
    "aims_outcomes": """\
The strategy has six strategic aims. Each aim says what it means in practice and what we want to see by 2029, and has two or three intended outcomes against which the action plan and the measures are set.

The aims are listed in full in the table that follows this section, together with their intended outcomes.
""",
    "prevention_disruption": """\
Prevention starts with adults who understand child sexual abuse well enough to recognise it and who know what to do. We will work with parents, schools, faith and community groups and sports clubs so that more adults can talk about abuse openly and know where to go for advice.

### Disrupting people who pose a risk

The police and probation will make fuller use of civil orders, including sexual harm prevention orders and sexual risk orders, and will share intelligence with children's services and schools where a risk to children is identified. Where a case ends with no further police action at this time, partners will still consider what protective steps are needed.

### Online contexts

Much abuse now starts or continues online. Prevention messages for children and parents will cover online grooming, image-based abuse and sexual extortion, and will be refreshed each year.
""",
    "identification": """\
Most children who are sexually abused do not tell at the time. Professionals therefore need to recognise the signs and indicators of abuse and act on them, rather than waiting for a child to say something.

### Helping children to tell

We will give practitioners the confidence to ask direct questions, to notice what a child shows through behaviour and health, and to keep the door open when a child is not ready to talk. Children who do tell should be listened to, believed and kept informed of what happens next.

### Enquiries and investigations

Strategy discussions where sexual abuse is suspected will always include health and education as well as police and children's services. We will audit joint decision-making at the front door each year.
""",
    "workforce": """\
The training needs assessment carried out in spring 2026 found that most staff had completed general safeguarding training, but only a minority had training specific to child sexual abuse. Confidence in talking to children about sexual abuse was lowest among staff in universal services and adult-facing services.

We will offer a tiered programme:

- a short foundation course for everyone who works with children or parents
- a two-day practice course for social workers, police officers, health visitors, school nurses and designated safeguarding leads
- reflective sessions for managers, so they can support staff who work with abuse every day

We will look beyond attendance: participants will complete a confidence survey before and six months after training, and audits will test whether practice has changed.
""",
    "action_plan": """\
The action plan turns the six aims into specific actions. Each action serves one intended outcome, has one lead agency and a named lead, and shows when it will start and finish, or the year of the strategy in which it falls.

The plan is a live record. Leads update their actions in the portal, and the steering group reviews progress at every meeting. New actions arising from audits and the training needs assessment are added as they are agreed.
""",
}

# number: (title, what this means, what we want to see, [outcomes])
AIMS = [
    (
        "Children, parents and communities understand child sexual abuse and know how to get help",
        "Adults around children can talk about child sexual abuse in all its forms, recognise warning signs "
        "and know where to turn. Children learn about healthy relationships, consent and their right to be safe.",
        "More concerns raised by parents and community members, and children telling us they know who they "
        "could talk to.",
        [
            "Parents and carers feel more confident to recognise and respond to concerns about child sexual abuse.",
            "Children and young people understand consent, healthy relationships and how to ask for help.",
            "Community, faith and sports organisations have safe recruitment and clear reporting routes.",
        ],
    ),
    (
        "People who pose a risk of sexual harm to children are identified, disrupted and held to account",
        "Partners share what they know about people who pose a risk, use every legal and practical tool to "
        "disrupt them, and keep children safe while investigations run.",
        "More disruption activity, wider use of civil orders and fewer children harmed again by the same person.",
        [
            "Intelligence about risk to children is shared quickly between police, probation, children's services and schools.",
            "More use is made of civil orders and other disruption tactics.",
        ],
    ),
    (
        "Child sexual abuse is noticed earlier and children are helped to tell",
        "Professionals look for signs and indicators instead of waiting for a child to tell, and respond well "
        "when children do talk.",
        "A rise in the number of children identified, especially where abuse happens in the family network, "
        "and children saying they felt listened to.",
        [
            "Practitioners act on signs and indicators of child sexual abuse, not only on what children say.",
            "Children who tell are listened to, believed and kept informed.",
            "Joint decision-making at the front door is consistent and well recorded.",
        ],
    ),
    (
        "Children, victims and survivors and their families get timely, joined-up support",
        "Support is offered quickly and reaches the whole family, including brothers and sisters, and children "
        "who display harmful sexual behaviour.",
        "Shorter waits for therapeutic support, clear health pathways and families saying support helped.",
        [
            "Children who have been sexually abused receive a timely health assessment and therapeutic support.",
            "Children who display harmful sexual behaviour, and their families, receive an assessment and support that fit their needs.",
            "Adult victims and survivors know about and can reach local support.",
        ],
    ),
    (
        "A skilled, confident and supported workforce",
        "Everyone who works with children or parents has the knowledge and confidence their role needs, and "
        "managers know how to support staff who deal with abuse.",
        "Higher confidence scores in the staff survey and audits showing better practice.",
        [
            "Staff across agencies have training in child sexual abuse matched to their role.",
            "Managers and supervisors support staff well through reflective supervision.",
        ],
    ),
    (
        "Strong leadership, shared learning and evidence of what works",
        "Leaders keep child sexual abuse high on the agenda, use data and audits to understand the response, "
        "and check the strategy is making a difference.",
        "A shared data set reported every quarter, annual audits acted on, and a strategy refreshed each year.",
        [
            "The partnership has a shared picture of child sexual abuse drawn from all agencies' data.",
            "Audit findings and the views of children and families lead to changes in practice.",
        ],
    ),
]

# The five commitments all partners signed up to: (title, what this means).
PRIORITIES = [
    ("See the whole picture",
     "We look for child sexual abuse in every form and every setting, including the family network and online, "
     "not only where it is easiest to find."),
    ("Make it easier to tell",
     "Children get many chances to talk, and adults respond calmly, believe them and keep them informed."),
    ("Act together",
     "No agency works alone: information is shared quickly and decisions about children are made jointly."),
    ("Support the whole family",
     "Help reaches the child, their brothers and sisters and their parents, and continues for as long as it is needed."),
    ("Learn and improve",
     "We check whether what we do makes a difference, listen to children and families, and change course when it does not."),
]

# key: (name, kind, chair, reports to (key or None), member agency keys, meets, purpose)
GOVERNANCE = {
    "executive": (
        "Safeguarding Children Partnership Executive", GovernanceKind.EXECUTIVE,
        "Director of Children's Services (rotating with the ICB and police)", None, ["council", "icb", "police"],
        "every quarter", "Owns the strategy, agrees it, and holds partners to account for delivering it.",
    ),
    "steering": (
        "Child Sexual Abuse Steering Group", GovernanceKind.STEERING_GROUP,
        "Head of Safeguarding and Quality, Children's Services", "executive",
        ["council", "police", "icb", "trust", "schools", "probation", "brightwell", "survivors", "opcc"],
        "every six weeks", "Drives delivery of the action plan, reviews progress and escalates risks to the Executive.",
    ),
    "data": (
        "Data and Evaluation Task-and-Finish Group", GovernanceKind.TASK_AND_FINISH,
        "Head of Performance, Northmere Vale Police", "steering", ["police", "council", "icb"],
        "monthly until March 2027", "Builds the shared data set and the measures in the evaluation framework.",
    ),
    "hsb": (
        "Harmful Sexual Behaviour Delivery Group", GovernanceKind.DELIVERY_GROUP,
        "Service Manager, Adolescent Services", "steering", ["council", "schools", "brightwell", "trust"],
        "every two months", "Delivers the actions on children who display harmful sexual behaviour and their families.",
    ),
}

# (aim, outcome): [(indicator, data source, how and where collected, collated and presented by, how often, baseline, target)]
MEASURES = {
    (1, 1): [("Parents who say they feel confident to recognise and respond to concerns",
              "Workshop evaluation forms", "Paper and online forms at the end of each workshop",
              "Brightwell, to the steering group", "Every six months", "No baseline yet (first workshops 2026)",
              "Three in four parents report higher confidence")],
    (3, 1): [("Children's social care assessments with sexual abuse as a factor",
              "Children's social care case records", "Monthly extract from the case management system",
              "Partnership business unit, in the quarterly data report", "Quarterly", "318 (2025–26)",
              "A rise each year, towards the level the prevalence estimate suggests"),
             ("Child protection plans under the category of sexual abuse",
              "Child protection register", "Snapshot on the last day of each quarter",
              "Partnership business unit", "Quarterly", "37 (31 March 2026)", "A rise each year")],
    (3, 2): [("Children who say they felt listened to and kept informed",
              "Children's feedback survey", "Short survey offered when a case closes, online or with a worker",
              "Children's Services participation team", "Every six months", "No baseline yet", "Eight in ten")],
    (4, 1): [("Median wait from referral to first therapeutic session",
              "Brightwell referral records", "Referral and appointment dates from the service's system",
              "Brightwell, to the steering group", "Quarterly", "19 weeks (2025–26)", "8 weeks by March 2029")],
    (5, 1): [("Staff confident to talk to a child about sexual abuse",
              "Multi-agency staff survey", "Anonymous online survey through the portal",
              "Partnership business unit", "Every year", "41% (spring 2026)", "70% by 2029")],
}

# Data points for some measures: (outcome key, start of the indicator): [(period, period end, value, note)].
MEASURE_DATA = {
    ((4, 1), "Median wait"): [
        ("Q1 2026 to 2027", date(2026, 6, 30), 18, "Two extra therapists from May."),
        ("Q2 2026 to 2027", date(2026, 9, 30), 15, ""),
    ],
    ((5, 1), "Staff confident"): [("Autumn 2026", date(2026, 10, 31), 48, "From the staff survey, 212 responses.")],
    ((3, 1), "Child protection plans"): [
        ("Q1 2026 to 2027", date(2026, 6, 30), 39, ""),
        ("Q2 2026 to 2027", date(2026, 9, 30), 44, ""),
    ],
}

# Coverage: every form of abuse; every affected group but the last two, so the panel has something to show.
COVERAGE_GROUPS_LEFT_OUT = ("families-of-abusers", "communities")

# Sections around the template: (kind, title, body).
EXTRA_SECTIONS = [
    (SectionKind.FOREWORD, "Joint foreword", """As the three statutory safeguarding partners for Ashvale and Northmere, we are publishing this strategy together because no single agency can prevent child sexual abuse or respond to it well on its own.

We are grateful to the children, parents and adult victims and survivors who told us what needs to change.
"""),
    (SectionKind.CONTENT_WARNING, "Content warning", """This strategy is about child sexual abuse. Some of it may be hard to read. If it brings up difficult feelings for you, please talk to someone you trust or contact Northmere Survivors Together.
"""),
    (SectionKind.EXTRA, "Appendix: theory of change", """| What we put in | What we do | What changes for children |
|---|---|---|
| Training and practice resources | Staff ask about and notice abuse | More children are identified sooner |
| Joint decision-making at the front door | Consistent strategy discussions | Children are protected quickly |
| Therapeutic and health pathways | Timely support for the whole family | Children and families recover |
"""),
]

PREVENTION = "prevention-disruption"
IDENTIFICATION = "identification"
WHOLE_SYSTEM = "whole-system-response"
WORKFORCE = "workforce-development"

# Timing: ("dates", commencement, completion) with ISO dates (either may be None),
# ("years", start_year, end_year), or None for "to be confirmed".
# Updates: (date of the update, status, progress, narrative).
# Recommendation 4 is deliberately answered by no action, so the coverage gap shows.
ACTIONS = [
    # Aim 1
    dict(
        outcome=(1, 1), lead="brightwell", lead_name="Service Manager, Family Support",
        text="Run a series of parent workshops, in both towns and online, on recognising and responding to child sexual abuse, including abuse in the family network.",
        supporting=["council", "schools"], timing=("dates", "2026-02-01", "2026-12-31"), component=PREVENTION, recs=[1],
        measures="Number of workshops and attendees; parents' confidence before and after; follow-up contacts to the front door.",
        updates=[
            ("2026-05-14", ActionStatus.ON_TRACK, 30, "Four workshops held, 86 parents attended. Evaluation forms are positive."),
            ("2026-10-02", ActionStatus.ON_TRACK, 70, "Evening sessions added in Northmere after feedback that daytime sessions excluded working parents."),
        ],
    ),
    dict(
        outcome=(1, 1), lead="council", lead_name="Grace Okonjo, Head of Safeguarding and Quality",
        text="Publish plain-language guidance for parents on online grooming, image-based abuse and sexual extortion, translated into the five most spoken community languages.",
        supporting=["police", "schools"], timing=("years", 1, 1), component=PREVENTION, recs=[1],
        measures="Downloads and printed copies distributed; feedback from parents' forums.",
        updates=[
            ("2026-04-20", ActionStatus.ON_TRACK, 40, "English version drafted with the youth council; translation commissioned."),
            ("2026-09-15", ActionStatus.AT_RISK, 55, "Translation budget not yet confirmed; the English version is live."),
        ],
    ),
    dict(
        outcome=(1, 2), lead="schools", lead_name="Chair, Schools Safeguarding Forum",
        text="Make sure every school's relationships, sex and health education covers consent, body safety and how to ask for help, using age-appropriate resources.",
        supporting=["council"], timing=("dates", "2026-01-05", "2027-07-31"), component=PREVENTION, recs=[5],
        measures="Proportion of schools confirming coverage in the annual safeguarding audit; pupil survey results.",
        updates=[
            ("2026-03-10", ActionStatus.ON_TRACK, 20, "Resource pack agreed and sent to all designated safeguarding leads."),
            ("2026-07-21", ActionStatus.ON_TRACK, 45, "38 of 52 schools have confirmed coverage in the summer term audit."),
            ("2026-10-19", ActionStatus.ON_TRACK, 60, "46 schools now confirmed; the remaining six have been offered support from the forum."),
        ],
    ),
    dict(
        outcome=(1, 2), lead="survivors", lead_name="Youth Participation Lead",
        text="Co-produce with young people a short film on healthy relationships and where to get help, for use in schools and youth settings.",
        supporting=["schools", "opcc"], timing=("years", 2, 2), component=PREVENTION, recs=[5],
        measures="Film completed; number of settings using it; young people's feedback.",
        updates=[],
    ),
    dict(
        outcome=(1, 3), lead="council", lead_name="Partnership Business Manager",
        text="Offer safer recruitment and reporting-concerns sessions to community, faith and sports organisations.",
        supporting=["police", "survivors"], timing=("dates", "2026-03-01", "2026-09-30"), component=PREVENTION, recs=[1],
        measures="Number of organisations reached; organisations with a named safeguarding lead.",
        updates=[
            ("2026-06-01", ActionStatus.AT_RISK, 25, "Take-up from sports clubs is low; we are approaching the county sports partnership for help."),
            ("2026-08-28", ActionStatus.OFF_TRACK, 35, "Only 11 organisations reached against a target of 40. Sessions to be re-planned."),
        ],
    ),
    dict(
        outcome=(1, 3), lead="opcc", lead_name="Victims' Services Commissioning Manager",
        text="Fund a small-grants scheme for community groups to deliver awareness sessions on child sexual abuse in their own languages.",
        supporting=["council"], timing=None, component=PREVENTION, recs=[1],
        measures="Grants awarded; sessions delivered; people reached.",
        updates=[],
    ),
    dict(
        outcome=(1, 1), lead="trust", lead_name="Named Nurse for Safeguarding Children",
        text="Include information on child sexual abuse and where to get help in health visitor and school nursing contacts with parents.",
        supporting=["icb"], timing=("years", 1, 2), component=PREVENTION, recs=[6],
        measures="Proportion of contacts where information was given, from record audits.",
        updates=[
            ("2026-06-18", ActionStatus.ON_TRACK, 35, "Leaflet and prompt added to the health visiting record template."),
        ],
    ),
    # Aim 2
    dict(
        outcome=(2, 1), lead="police", lead_name="DI Tom Hallworth, Public Protection",
        text="Set up a monthly multi-agency meeting to share intelligence about people who pose a risk of sexual harm to children.",
        supporting=["probation", "council", "schools"], timing=("dates", "2026-01-15", "2026-04-30"), component=PREVENTION, recs=[3],
        measures="Meetings held; attendance by agency; disruption actions agreed.",
        updates=[
            ("2026-02-20", ActionStatus.ON_TRACK, 50, "Terms of reference agreed; first meeting held."),
            ("2026-05-06", ActionStatus.COMPLETED, 100, "Meeting now runs monthly with all four agencies attending; it is part of business as usual."),
        ],
    ),
    dict(
        outcome=(2, 1), lead="probation", lead_name="Head of Public Protection, Northmere Vale",
        text="Agree a protocol for probation to tell children's services and schools promptly when a person on licence poses a risk to children they are in contact with.",
        supporting=["council", "police"], timing=("dates", "2026-02-01", "2026-07-31"), component=PREVENTION, recs=[3],
        measures="Protocol signed; notifications made; time from risk identified to notification.",
        updates=[
            ("2026-04-30", ActionStatus.AT_RISK, 40, "Information-sharing agreement held up by legal review."),
            ("2026-08-12", ActionStatus.AT_RISK, 60, "Legal review complete; sign-off expected at the next executive meeting."),
        ],
    ),
    dict(
        outcome=(2, 2), lead="police", lead_name="DI Tom Hallworth, Public Protection",
        text="Review every case closed with no further police action at this time for missed opportunities to apply for a civil order.",
        supporting=["council"], timing=("dates", "2026-04-01", "2027-03-31"), component=PREVENTION, recs=[3],
        measures="Cases reviewed; civil orders applied for and granted.",
        updates=[
            ("2026-07-09", ActionStatus.ON_TRACK, 30, "First quarter of cases reviewed; three applications for sexual risk orders in progress."),
            ("2026-10-14", ActionStatus.ON_TRACK, 55, "Two orders granted. Review continues."),
        ],
    ),
    dict(
        outcome=(2, 2), lead="police", lead_name="Detective Chief Inspector, Online Child Abuse Team",
        text="Train neighbourhood officers to recognise online offending against children and refer it to the specialist team.",
        supporting=[], timing=("years", 1, 2), component=PREVENTION, recs=[2],
        measures="Officers trained; referrals from neighbourhood teams.",
        updates=[
            ("2026-05-25", ActionStatus.NOT_STARTED, 0, "Delayed until the new training system is in place in the autumn."),
        ],
    ),
    dict(
        outcome=(2, 2), lead="opcc", lead_name="Head of Commissioning",
        text="Commission a prevention service for people worried about their own sexual thoughts or behaviour towards children.",
        supporting=["probation", "icb"], timing=("years", 2, 3), component=PREVENTION, recs=[1],
        measures="Service commissioned; referrals and self-referrals.",
        updates=[],
    ),
    dict(
        outcome=(2, 1), lead="council", lead_name="Designated Officer (LADO)",
        text="Publish a one-page guide for all employers on referring allegations against adults who work with children to the designated officer.",
        supporting=["schools"], timing=("dates", "2026-02-01", "2026-03-31"), component=PREVENTION, recs=[1],
        measures="Guide published; referrals to the designated officer by sector.",
        updates=[
            ("2026-03-27", ActionStatus.COMPLETED, 100, "Guide published on the partnership website and sent to all registered employers."),
        ],
    ),
    # Aim 3
    dict(
        outcome=(3, 1), lead="council", lead_name="Principal Social Worker",
        text="Introduce a signs and indicators prompt into the front-door contact record so sexual abuse is considered in every contact.",
        supporting=["police", "trust"], timing=("dates", "2026-01-12", "2026-06-30"), component=IDENTIFICATION, recs=[3],
        measures="Proportion of contacts where the prompt is completed; contacts with sexual abuse as a factor.",
        updates=[
            ("2026-03-02", ActionStatus.ON_TRACK, 40, "Prompt designed with front-door social workers."),
            ("2026-07-08", ActionStatus.OFF_TRACK, 60, "System change delayed by the case management upgrade; new date not yet agreed."),
        ],
    ),
    dict(
        outcome=(3, 1), lead="trust", lead_name="Named Doctor for Safeguarding Children",
        text="Add questions about sexual abuse to emergency department and sexual health assessments of young people.",
        supporting=["icb"], timing=("years", 1, 1), component=IDENTIFICATION, recs=[6],
        measures="Audit of records for the questions being asked; referrals from health.",
        updates=[
            ("2026-04-15", ActionStatus.ON_TRACK, 25, "Questions agreed with clinical leads."),
            ("2026-09-03", ActionStatus.ON_TRACK, 65, "Live in the emergency department; sexual health clinics to follow in November."),
        ],
    ),
    dict(
        outcome=(3, 1), lead="schools", lead_name="Chair, Schools Safeguarding Forum",
        text="Give designated safeguarding leads a termly briefing on signs and indicators of sexual abuse in the family network.",
        supporting=["council"], timing=("years", 1, 4), component=IDENTIFICATION, recs=[2],
        measures="Briefings held; attendance; referrals from schools.",
        updates=[
            ("2026-02-09", ActionStatus.ON_TRACK, 10, "First briefing held with 47 designated safeguarding leads."),
            ("2026-06-22", ActionStatus.ON_TRACK, 20, "Summer briefing held; attendance steady."),
            ("2026-10-08", ActionStatus.ON_TRACK, 25, "Autumn briefing held, focused on children who show their distress through behaviour rather than words."),
        ],
    ),
    dict(
        outcome=(3, 2), lead="survivors", lead_name="Chief Executive",
        text="Gather the views of children and adult victims and survivors on what helped or stopped them telling, and share the findings with all partners.",
        supporting=["brightwell", "council"], timing=("dates", "2026-03-01", "2026-12-31"), component=IDENTIFICATION, recs=[5],
        measures="Number of people taking part; report published; changes made as a result.",
        updates=[
            ("2026-06-10", ActionStatus.ON_TRACK, 45, "Twenty-two interviews and two group sessions completed."),
            ("2026-09-25", ActionStatus.AT_RISK, 70, "Analysis taking longer than planned; report likely in December."),
        ],
    ),
    dict(
        outcome=(3, 2), lead="council", lead_name="Grace Okonjo, Head of Safeguarding and Quality",
        text="Produce practice guidance on talking to children about sexual abuse, including disabled children and children who use other ways to communicate.",
        supporting=["trust", "schools", "brightwell"], timing=("dates", "2026-05-01", "2026-12-18"), component=IDENTIFICATION, recs=[5],
        measures="Guidance published; practitioners' confidence in the staff survey.",
        updates=[
            ("2026-10-05", ActionStatus.ON_TRACK, 50, "Draft written; testing it with specialist school staff."),
        ],
    ),
    dict(
        outcome=(3, 3), lead="police", lead_name="DI Tom Hallworth, Public Protection",
        text="Make sure every strategy discussion where sexual abuse is suspected includes health and education.",
        supporting=["council", "trust", "schools"], timing=("dates", "2026-01-05", "2026-03-31"), component=IDENTIFICATION, recs=[3],
        measures="Proportion of strategy discussions with health and education present, from audit.",
        updates=[
            ("2026-04-08", ActionStatus.COMPLETED, 100, "Strategy discussion standard agreed; dip sample shows health and education at 9 of 10 discussions."),
        ],
    ),
    dict(
        outcome=(3, 3), lead="council", lead_name="Service Manager, Front Door",
        text="Hold an annual multi-agency audit of front-door decisions where sexual abuse was a concern.",
        supporting=["police", "trust", "schools"], timing=("years", 1, 4), component=IDENTIFICATION, recs=[3],
        measures="Audit completed each year; actions arising completed.",
        updates=[],
    ),
    # Aim 4
    dict(
        outcome=(4, 1), lead="icb", lead_name="Designated Nurse for Safeguarding Children",
        text="Agree a health pathway so every child who tells of sexual abuse is offered a paediatric health assessment within agreed timescales.",
        supporting=["trust", "council", "police"], timing=("dates", "2026-02-01", "2026-09-30"), component=WHOLE_SYSTEM, recs=[6],
        measures="Pathway agreed; proportion of children offered an assessment; time to assessment.",
        updates=[
            ("2026-05-05", ActionStatus.ON_TRACK, 40, "Pathway drafted with the sexual assault referral centre."),
            ("2026-09-10", ActionStatus.AT_RISK, 70, "Out-of-hours paediatric cover still unresolved."),
        ],
    ),
    dict(
        outcome=(4, 1), lead="brightwell", lead_name="Clinical Lead",
        text="Reduce the waiting time for therapeutic support for children who have been sexually abused to under twelve weeks.",
        supporting=["icb", "opcc"], timing=("dates", "2026-04-01", "2028-03-31"), component=WHOLE_SYSTEM, recs=[6],
        measures="Median and longest waiting times; number of children supported; children's feedback.",
        updates=[
            ("2026-07-15", ActionStatus.OFF_TRACK, 15, "Waiting time has risen to 21 weeks after two therapists left."),
            ("2026-10-20", ActionStatus.AT_RISK, 30, "Two new therapists start in January; short-term support offered to those waiting."),
        ],
    ),
    dict(
        outcome=(4, 1), lead="trust", lead_name="Head of Child and Adolescent Mental Health",
        text="Offer consultation from child mental health services to professionals supporting a child after sexual abuse.",
        supporting=["icb"], timing=("years", 2, 3), component=WHOLE_SYSTEM, recs=[6],
        measures="Consultations given; professionals' feedback.",
        updates=[],
    ),
    dict(
        outcome=(4, 2), lead="council", lead_name="Service Manager, Adolescent Services",
        text="Agree a multi-agency pathway for children who display harmful sexual behaviour, from first concern to specialist assessment.",
        supporting=["schools", "trust", "police", "brightwell"], timing=("dates", "2026-03-01", "2027-01-31"), component=WHOLE_SYSTEM, recs=[1],
        measures="Pathway published; referrals; time from concern to assessment.",
        updates=[
            ("2026-05-19", ActionStatus.ON_TRACK, 30, "Working group formed; current routes mapped."),
            ("2026-09-22", ActionStatus.ON_TRACK, 50, "Draft pathway out to consultation with schools."),
        ],
    ),
    dict(
        outcome=(4, 2), lead="brightwell", lead_name="Service Manager, Family Support",
        text="Pilot a support group for parents of children who have displayed harmful sexual behaviour, including towards a brother or sister.",
        supporting=["council"], timing=("dates", "2027-01-01", "2027-12-31"), component=WHOLE_SYSTEM, recs=[1],
        measures="Parents supported; parents' feedback; re-referrals.",
        updates=[],
    ),
    dict(
        outcome=(4, 3), lead="survivors", lead_name="Chief Executive",
        text="Publish a directory of local and national support for adult victims and survivors, and share it with GPs, adult mental health and probation.",
        supporting=["icb", "probation"], timing=("dates", "2026-01-15", "2026-05-31"), component=WHOLE_SYSTEM, recs=[1],
        measures="Directory published; services listed; contacts to Northmere Survivors Together.",
        updates=[
            ("2026-03-18", ActionStatus.ON_TRACK, 60, "Directory drafted and checked with listed services."),
            ("2026-05-29", ActionStatus.COMPLETED, 100, "Directory published online and in print; sent to all GP practices."),
        ],
    ),
    dict(
        outcome=(4, 3), lead="opcc", lead_name="Victims' Services Commissioning Manager",
        text="Extend the independent sexual violence adviser service to adult victims and survivors of child sexual abuse who do not report to the police.",
        supporting=["survivors"], timing=None, component=WHOLE_SYSTEM, recs=[1],
        measures="Adults supported; proportion not reporting to police.",
        updates=[
            ("2026-06-30", ActionStatus.CANCELLED, 0, "Replaced by the regional adviser service, funded nationally from April 2027, which covers the same group."),
        ],
    ),
    # Aim 5
    dict(
        outcome=(5, 1), lead="council", lead_name="Partnership Training Coordinator",
        text="Carry out a multi-agency training needs assessment on child sexual abuse, including a staff survey and an audit of training provision.",
        supporting=["police", "icb", "trust", "schools", "probation"], timing=("dates", "2026-01-05", "2026-06-30"), component=WORKFORCE, recs=[2],
        measures="Assessment completed; survey responses by agency; needs identified.",
        updates=[
            ("2026-03-16", ActionStatus.ON_TRACK, 50, "Survey closed with 1,214 responses; provision audit under way."),
            ("2026-07-10", ActionStatus.COMPLETED, 100, "Assessment reported to the steering group; eight training needs identified and added to the plan."),
        ],
    ),
    dict(
        outcome=(5, 1), lead="council", lead_name="Partnership Training Coordinator",
        text="Deliver a foundation course on child sexual abuse for everyone who works with children or parents.",
        supporting=["brightwell"], timing=("years", 1, 4), component=WORKFORCE, recs=[2],
        measures="Number trained by agency; confidence before and after.",
        updates=[
            ("2026-09-01", ActionStatus.ON_TRACK, 20, "E-learning version launched; first face-to-face sessions in October."),
        ],
    ),
    dict(
        outcome=(5, 1), lead="police", lead_name="Head of Learning and Development",
        text="Train all officers in child protection and public protection roles in responding to children who tell of sexual abuse.",
        supporting=["council"], timing=("dates", "2026-09-01", "2027-08-31"), component=WORKFORCE, recs=[2, 5],
        measures="Proportion of officers trained; feedback from children through the victim survey.",
        updates=[],
    ),
    dict(
        outcome=(5, 1), lead="icb", lead_name="Designated Doctor for Safeguarding Children",
        text="Provide GP practices with training on recognising child sexual abuse and the local health pathway.",
        supporting=["trust"], timing=("years", 2, 2), component=WORKFORCE, recs=[2, 6],
        measures="Practices with a trained safeguarding lead; referrals from primary care.",
        updates=[],
    ),
    dict(
        outcome=(5, 2), lead="council", lead_name="Principal Social Worker",
        text="Introduce reflective group supervision for social workers and managers working with child sexual abuse.",
        supporting=[], timing=("dates", "2026-06-01", "2027-05-31"), component=WORKFORCE, recs=[2],
        measures="Sessions held; staff wellbeing survey results.",
        updates=[
            ("2026-09-07", ActionStatus.NOT_STARTED, 0, "Facilitator being recruited."),
        ],
    ),
    dict(
        outcome=(5, 2), lead="probation", lead_name="Head of Learning",
        text="Offer probation practitioners training in identifying risk to children in the households of people on probation.",
        supporting=["council"], timing=("years", 1, 2), component=WORKFORCE, recs=[2],
        measures="Practitioners trained; referrals to children's services from probation.",
        updates=[
            ("2026-05-12", ActionStatus.ON_TRACK, 25, "Course adapted from national material; first cohort in June."),
        ],
    ),
    dict(
        outcome=(5, 1), lead="schools", lead_name="Chair, Schools Safeguarding Forum",
        text="Run a network for designated safeguarding leads to share practice on harmful sexual behaviour.",
        supporting=["council", "brightwell"], timing=None, component=WORKFORCE, recs=[2],
        measures="Meetings held; attendance.",
        updates=[],
    ),
    # Aim 6
    dict(
        outcome=(6, 1), lead="council", lead_name="Partnership Business Manager",
        text="Build a shared quarterly data set on child sexual abuse from all partners, set against the prevalence estimate.",
        supporting=["police", "icb", "trust", "schools"], timing=("dates", "2026-01-05", "2026-12-31"), component=WHOLE_SYSTEM, recs=[1],
        measures="Data set agreed; quarterly report delivered on time.",
        updates=[
            ("2026-04-02", ActionStatus.ON_TRACK, 40, "Indicators agreed; health data sharing agreement in draft."),
            ("2026-07-06", ActionStatus.AT_RISK, 60, "First report produced without health data; sharing agreement still unsigned."),
            ("2026-10-27", ActionStatus.ON_TRACK, 80, "Sharing agreement signed; the second quarterly report includes health data."),
        ],
    ),
    dict(
        outcome=(6, 1), lead="icb", lead_name="Head of Safeguarding",
        text="Break down the data by ethnicity, disability, age and gender so groups that are under-identified are visible.",
        supporting=["council", "police"], timing=("years", 2, 2), component=WHOLE_SYSTEM, recs=[1],
        measures="Proportion of records with each characteristic recorded.",
        updates=[],
    ),
    dict(
        outcome=(6, 2), lead="council", lead_name="Partnership Business Manager",
        text="Run a multi-agency audit of cases of sexual abuse in the family network and report the findings to the executive.",
        supporting=["police", "trust", "schools"], timing=("dates", "2026-02-01", "2026-07-31"), component=IDENTIFICATION, recs=[3],
        measures="Audit completed; findings reported; actions arising.",
        updates=[
            ("2026-07-30", ActionStatus.COMPLETED, 100, "Audit of twelve cases completed and reported; five findings added to the action plan."),
        ],
    ),
    dict(
        outcome=(6, 2), lead="survivors", lead_name="Youth Participation Lead",
        text="Set up a young people's advisory group to comment on the strategy and its progress each year.",
        supporting=["council"], timing=("dates", "2026-09-01", "2027-03-31"), component=WHOLE_SYSTEM, recs=[1],
        measures="Group meetings; changes made in response to its advice.",
        updates=[
            ("2026-10-12", ActionStatus.ON_TRACK, 20, "Eight young people recruited; first meeting in November."),
        ],
    ),
    dict(
        outcome=(6, 2), lead="council", lead_name="Partnership Business Manager",
        text="Hold a partnership learning event on child sexual abuse each year to share audit findings and practice.",
        supporting=["police", "icb", "schools", "brightwell", "survivors"], timing=("years", 1, 4), component=WORKFORCE, recs=[1, 2],
        measures="Events held; attendance; evaluation.",
        updates=[
            ("2026-06-26", ActionStatus.CANCELLED, 0, "Merged into the annual partnership conference, which now has a child sexual abuse strand."),
        ],
    ),
    dict(
        outcome=(6, 1), lead="police", lead_name="Head of Performance",
        text="Report police-recorded sexual offences against children, and their outcomes, to the steering group every quarter.",
        supporting=[], timing=("dates", "2026-04-01", "2026-10-31"), component=WHOLE_SYSTEM, recs=[1, 3],
        measures="Reports delivered each quarter.",
        updates=[],
    ),
]

AUDITS = [
    dict(
        title="Multi-agency audit: sexual abuse in the family network",
        theme="Sexual abuse by adults in the family network",
        audit_date=date(2026, 6, 18),
        method=(
            "Twelve cases from the last eighteen months where sexual abuse in the family network was suspected or "
            "known. Each agency reviewed its own records against a shared tool, then met for a half-day challenge "
            "session. Cases are referred to by audit reference only."
        ),
        lead="Partnership Business Manager",
        agencies=["council", "police", "trust", "schools"],
        status=AuditStatus.COMPLETE,
    ),
    dict(
        title="Multi-agency audit: children who display harmful sexual behaviour",
        theme="Harmful sexual behaviour by other children, including siblings",
        audit_date=date(2027, 2, 10),
        method=(
            "Ten cases of children referred for harmful sexual behaviour, sampled across both towns and including "
            "behaviour towards a brother or sister. Desk review by each agency followed by a joint practitioner panel."
        ),
        lead="Service Manager, Adolescent Services",
        agencies=["council", "police", "schools", "brightwell", "trust"],
        status=AuditStatus.PLANNED,
    ),
]

TRAINING_NEEDS_ASSESSMENT = dict(
    title="Multi-agency training needs assessment on child sexual abuse 2026",
    period_start=date(2026, 1, 5),
    period_end=date(2026, 6, 30),
    status=AssessmentStatus.COMPLETE,
    summary=(
        "A staff survey (1,214 responses across nine agencies), an audit of the training on offer and a review of "
        "practice resources. Most staff had generic safeguarding training but few had training specific to child "
        "sexual abuse. Confidence in talking to children about sexual abuse was lowest in universal and adult-facing "
        "services, and managers asked for help supporting staff. Eight training needs were identified and added to "
        "the action plan."
    ),
)


# A closed review round of the draft: two steering group members and one adviser from outside the group.
# ratings: criterion code -> (rating, comment)
REVIEW_ROUND = {
    "title": "Steering group review of the first draft",
    "message": "Please look hardest at the aims and whether every partner can see its part in the action plan.",
}
REVIEW_RESPONSES = {
    "member@demo.example": {
        "clarity": ("met", "Reads well; the vision is short enough to remember."),
        "coverage": ("partly", "Harmful sexual behaviour by siblings is only mentioned once."),
        "deliverability": ("partly", "Several police actions have no named lead yet."),
        "consistency": ("met", ""),
        "readiness": ("met", "The force is ready to sign up to it."),
    },
    "member2@demo.example": {
        "clarity": ("met", ""),
        "coverage": ("met", "All six forms of abuse appear in the aims."),
        "deliverability": ("not_met", "Children's Services cannot lead six actions in year 1 with current staffing."),
        "consistency": ("partly", "Aim 3 and the workforce section use different training targets."),
        "readiness": ("partly", "Needs sign-off from the Director of Children's Services first."),
    },
}
REVIEW_COMMENTS = [
    # (reviewer email or None for the outside adviser, section template key or None, text, resolution or None)
    ("member2@demo.example", "workforce", "Say which agency collates the training take-up figures.",
     "Named the partnership business unit as collator."),
    (None, "identification", "Use 'telling' throughout: the draft still says 'disclosure' in two places.", None),
]
OUTSIDE_REVIEWER = (
    "Jo Marsden", "jo.marsden@survivors-together.example", "Northmere Survivors Together (lived-experience adviser)",
)
# The front matter of the published document.
FRONT_SECTIONS = (
    ("foreword", "Joint foreword", 1, """\
Too many children in our area carry the harm of sexual abuse alone, and too often the adults around them did not see it or did not know what to do. As the three safeguarding partners, we are not willing to accept that.

This strategy commits the council, the police and the NHS, with schools, probation and our voluntary sector partners, to one plan: to prevent abuse where we can, to notice it sooner, and to stand beside children and their families when it comes to light. We will report on it openly and invite challenge from our independent scrutineer and from the children and families it is for.

*The chairs of the Ashvale and Northmere Safeguarding Children Partnership*
"""),
    ("content_warning", "Content warning", 2, """\
This document discusses child sexual abuse. Some readers may find parts of it distressing. If it raises concerns about a child, contact children's services or the police; if it brings up your own experiences, support is available from specialist services for victims and survivors.
"""),
)
DEMO_ACCENT = "#6a2c70"


def demo_logo_png():
    """A simple generated logo for the demo partnership (no third-party artwork)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 110, 110), fill=DEMO_ACCENT)
    draw.ellipse((45, 30, 75, 60), fill="white")
    draw.rectangle((130, 40, 350, 52), fill=DEMO_ACCENT)
    draw.rectangle((130, 68, 300, 80), fill="#b1b4b6")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _date(value):
    return date.fromisoformat(value) if value else None


def _aware(day):
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(10, 0)))


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
        with transaction.atomic():
            partnership = Partnership.objects.filter(slug=DEMO_SLUG).first()
            if partnership is not None:
                self._ensure_users(partnership)
                self._ensure_document_extras(partnership)
                self._ensure_local_data(partnership)
                self._load_evidence(partnership)
                self._ensure_measure_data(partnership)
                self.stdout.write(
                    f"The demo partnership is already loaded ({partnership.name}); "
                    "demo users checked and passwords reset."
                )
            else:
                if Partnership.objects.filter(name=PARTNERSHIP["name"]).exists():
                    raise CommandError(
                        f"A partnership called {PARTNERSHIP['name']!r} exists with another slug; not loading the demo."
                    )
                self._load()
                self._ensure_local_data(Partnership.objects.get(slug=DEMO_SLUG))
                self._ensure_measure_data(Partnership.objects.get(slug=DEMO_SLUG))
            # Today's figures for the progress trend; the nightly task adds one row a day from here on.
            demo = Partnership.objects.get(slug=DEMO_SLUG)
            for strategy_id in demo.strategies.exclude(status="superseded").values_list("pk", flat=True):
                progress_snapshot_take(strategy_id=strategy_id, day=timezone.localdate())
        self._print_logins()

    def _ensure_measure_data(self, partnership):
        """A few data points for the current strategy's measures, only when it has none yet."""
        strategy = partnership.strategies.exclude(status="superseded").order_by("-pk").first()
        if strategy is None or MeasureDataPoint.objects.filter(measure__outcome__aim__strategy=strategy).exists():
            return
        manager = User.objects.get(email="manager@demo.example")
        for ((aim_number, outcome_number), starts), points in MEASURE_DATA.items():
            measure = Measure.objects.filter(
                outcome__aim__strategy=strategy, outcome__aim__number=aim_number, outcome__number=outcome_number,
                indicator__startswith=starts,
            ).first()
            if measure is None:
                continue
            for label, period_end, value, note in points:
                data_point_record(measure=measure, actor=manager, period_label=label, period_end=period_end,
                                  value=Decimal(value), note=note)

    # -- evidence: audit cases and findings, training needs assessment ----------

    def _load_evidence(self, partnership):
        """Add the audit's cases and findings and the assessment's provision, survey, resources and needs,
        each only when missing, so older demo databases gain them too."""
        from audits import demo as audit_demo
        from workforce import demo as workforce_demo

        if FormOfAbuse.objects.count() < 6:
            load_reference_data()
        manager = User.objects.get(email="manager@demo.example")
        strategy = partnership.strategies.order_by("id").first()
        cases = audit_demo.load(partnership=partnership, strategy=strategy, actor=manager)
        responses = workforce_demo.load(partnership=partnership, strategy=strategy, actor=manager)
        if cases or responses:
            self.stdout.write(f"Evidence added: {cases} audit cases with findings, {responses} staff survey responses.")

    # -- users -------------------------------------------------------------

    def _ensure_users(self, partnership):
        """Make sure the five demo users exist, with the demo password and their membership."""
        agencies = {a.short_name: a for a in partnership.agencies.all()}
        users = {}
        for email, (full_name, role, agency_key) in USERS.items():
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)
            else:
                user.set_password(DEMO_PASSWORD)
                user.is_active = True
                if not user.full_name:
                    user.full_name = full_name
                user.save()
            agency = agencies.get(AGENCIES[agency_key][1]) if agency_key else None
            if agency_key and agency is None:
                self.stderr.write(f"No agency {AGENCIES[agency_key][1]!r} in the demo partnership; membership of {email} left as it is.")
            else:
                Membership.objects.update_or_create(
                    user=user, partnership=partnership, defaults={"role": role, "agency": agency, "is_active": True}
                )
            users[email] = user
        return users

    def _ensure_document_extras(self, partnership):
        """The logo, accent colour and front matter of the published document, where missing."""
        from exports.models import PartnershipBranding
        from exports.services import branding_update
        from strategy.models import Section, SectionKind

        manager = User.objects.get(email="manager@demo.example")
        if not PartnershipBranding.objects.filter(partnership=partnership).exists():
            branding_update(
                partnership=partnership, actor=manager, accent_colour=DEMO_ACCENT,
                logo_alt=f"{partnership.name} logo", logo=demo_logo_png(), logo_format="png",
            )
        strategy = partnership.strategies.order_by("created_at").first()
        if strategy is not None and not strategy.sections.filter(kind=SectionKind.FOREWORD).exists():
            for kind, title, position, body in FRONT_SECTIONS:
                section = Section(strategy=strategy, kind=kind, title=title, body=body, position=position)
                section.full_clean()
                section._history_user = manager
                section.save()
                record(actor=manager, verb="section.created", obj=section, partnership=partnership, summary=title)
        return strategy

    def _demo_scrutiny(self, strategy, users):
        """An export of the draft with one challenge from the scrutineer and the manager's response."""
        from exports.services import challenge_raise, challenge_respond, export_render, export_request

        export, _ = export_request(strategy=strategy, actor=users["manager@demo.example"])
        # A web request leaves the render to the worker; the loader renders the demo's export itself, as the
        # worker would, so the challenge below can point at one of its sections.
        export = export_render(export_id=export.pk)
        plan = next((s["key"] for s in export.content_snapshot["sections"] if s["title"] == "Action plan"), "")
        challenge = challenge_raise(
            export=export, actor=users["scrutineer@demo.example"], section_key=plan, page_reference="",
            text="Several actions under aim 4 have no completion date. How will the board know if they slip?",
        )
        challenge_respond(
            challenge=challenge, actor=users["manager@demo.example"],
            text="Leads have been asked for dates by the next steering group; the next version will show them.",
        )

    def _print_logins(self):
        self.stdout.write("")
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for email, (full_name, role, agency_key) in USERS.items():
            agency = f" ({AGENCIES[agency_key][1]})" if agency_key else ""
            self.stdout.write(f"  {Role(role).label + agency:<46} {email:<26} {DEMO_PASSWORD}")
        self.stdout.write(self.style.WARNING("These accounts are for development and demonstrations only."))

    # -- the load ----------------------------------------------------------

    def _load_drafting(self, strategy, agencies, outcomes, manager):
        """Priorities, governance, measures, coverage and the sections around the template."""
        for title, means in PRIORITIES:
            priority_create(strategy=strategy, actor=manager, title=title, what_this_means=means)
        bodies = {}
        for key, (name, kind, chair, parent, members, meets, purpose) in GOVERNANCE.items():
            bodies[key] = governance_body_create(
                strategy=strategy, actor=manager, name=name, kind=kind, chair=chair,
                reports_to=bodies[parent] if parent else None, member_agencies=[agencies[k] for k in members],
                meeting_frequency=meets, purpose=purpose,
            )
        for key, rows in MEASURES.items():
            for indicator, source, collection, collated_by, frequency, baseline, target in rows:
                measure_create(
                    outcome=outcomes[key], actor=manager, indicator=indicator, data_source=source,
                    collection=collection, collated_by=collated_by, frequency=frequency, baseline=baseline,
                    target=target,
                )
        strategy_set_coverage(
            strategy=strategy, actor=manager, forms_of_abuse=list(FormOfAbuse.objects.all()),
            affected_groups=list(AffectedGroup.objects.exclude(code__in=COVERAGE_GROUPS_LEFT_OUT)),
        )
        for kind, title, body in EXTRA_SECTIONS:
            section_create(strategy=strategy, actor=manager, kind=kind, title=title, body=body)

    def _load(self):
        if Recommendation.objects.count() < 6 or CoreComponent.objects.count() < 4:
            load_reference_data()
        components = {c.code: c for c in CoreComponent.objects.all()}
        recommendations = {r.number: r for r in Recommendation.objects.all()}

        partnership = Partnership.objects.create(**PARTNERSHIP)
        agencies = {
            key: Agency.objects.create(
                partnership=partnership, name=name, short_name=short, sector=sector, is_statutory_partner=statutory
            )
            for key, (name, short, sector, statutory) in AGENCIES.items()
        }
        users = self._ensure_users(partnership)
        manager = users["manager@demo.example"]
        record(actor=manager, verb="demo.loaded", obj=partnership, partnership=partnership, summary=partnership.name)

        # Who records progress: the steering member of the lead agency where there is one, else the manager.
        updater_by_agency = {
            agencies[agency_key].pk: users[email]
            for email, (_, role, agency_key) in USERS.items()
            if role == Role.STEERING_MEMBER
        }

        strategy = strategy_create(partnership=partnership, actor=manager, **STRATEGY)
        for section in strategy.sections.all():
            body = SECTIONS.get(section.template_key)
            if body:
                section_update(
                    section=section, actor=manager, title=section.title, body=body.strip() + "\n",
                    expected_revision=section.revision,
                )

        outcomes = {}
        for aim_number, (title, means, want, outcome_texts) in enumerate(AIMS, start=1):
            aim = aim_create(
                strategy=strategy, actor=manager, title=title, what_this_means=means, what_we_want_to_see=want,
                number=aim_number,
            )
            for outcome_number, text in enumerate(outcome_texts, start=1):
                outcomes[(aim_number, outcome_number)] = outcome_create(
                    aim=aim, actor=manager, text=text, number=outcome_number
                )

        self._load_drafting(strategy, agencies, outcomes, manager)

        for spec in ACTIONS:
            timing = spec["timing"] or (None,)
            dates = {}
            if timing[0] == "dates":
                dates = {"commencement_date": _date(timing[1]), "completion_date": _date(timing[2])}
            elif timing[0] == "years":
                dates = {"start_year": timing[1], "end_year": timing[2]}
            lead = agencies[spec["lead"]]
            action = action_create(
                outcome=outcomes[spec["outcome"]], actor=manager, text=spec["text"], lead_agency=lead,
                lead_name=spec["lead_name"], core_component=components[spec["component"]],
                recommendations=[recommendations[n] for n in spec["recs"]],
                supporting_agencies=[agencies[k] for k in spec["supporting"]],
                measures_text=spec["measures"], **dates,
            )
            updater = updater_by_agency.get(lead.pk, manager)
            for when, status, progress, narrative in spec["updates"]:
                update = action_update_progress(
                    action=action, actor=updater, status=status, progress=progress, narrative=narrative
                )
                # Give the timeline realistic dates, so the history reads well and some actions are stale.
                ActionUpdate.objects.filter(pk=update.pk).update(created_at=_aware(when))
                Action.objects.filter(pk=action.pk).update(last_update_at=_aware(when))

        self._load_review(strategy, manager, users)

        for spec in AUDITS:
            spec = dict(spec)
            agency_keys = spec.pop("agencies")
            audit = Audit(partnership=partnership, strategy=strategy, created_by=manager, **spec)
            audit._history_user = manager
            audit.full_clean()
            audit.save()
            audit.agencies.set([agencies[k] for k in agency_keys])
            record(actor=manager, verb="audit.created", obj=audit, partnership=partnership, summary=audit.title)

        assessment = TrainingNeedsAssessment(
            partnership=partnership, strategy=strategy, created_by=manager, **TRAINING_NEEDS_ASSESSMENT
        )
        assessment._history_user = manager
        assessment.full_clean()
        assessment.save()
        record(actor=manager, verb="assessment.created", obj=assessment, partnership=partnership, summary=assessment.title)

        self._ensure_document_extras(partnership)
        self._demo_scrutiny(strategy, users)
        self._load_evidence(partnership)

        self.stdout.write(self.style.SUCCESS(
            f"Loaded {partnership.name}: {len(agencies)} agencies, {len(USERS)} users, "
            f"{strategy.aims.count()} aims, {len(outcomes)} outcomes, {strategy.actions.count()} actions, "
            f"{len(PRIORITIES)} priorities, {len(GOVERNANCE)} governance bodies, "
            f"{sum(len(rows) for rows in MEASURES.values())} measures, "
            f"{len(AUDITS)} audits, 1 training needs assessment."
        ))

    def _load_review(self, strategy, manager, users):
        """One closed review round against the five criteria, with two responses and section comments."""
        import secrets

        review_round = review_round_open(strategy=strategy, actor=manager, **REVIEW_ROUND)
        memberships = [m for m in strategy.partnership.memberships.select_related("user", "agency")
                       if m.user.email in REVIEW_RESPONSES]
        invitations = {i.user.email: i for i in review_invite_members(
            review_round=review_round, actor=manager, memberships=memberships)}
        # The adviser's link was emailed in the story; the demo keeps no usable token and sends nothing.
        name, email, organisation = OUTSIDE_REVIEWER
        invitations[None] = ReviewInvitation.objects.create(
            round=review_round, name=name, email=email, organisation=organisation, invited_by=manager,
            token_hash=token_hash(secrets.token_urlsafe(32)),
        )
        for email, ratings in REVIEW_RESPONSES.items():
            review_respond(invitation=invitations[email], actor=users[email], ratings=ratings)
        sections = {s.template_key: s for s in strategy.sections.all()}
        for email, key, text, resolution in REVIEW_COMMENTS:
            comment = review_comment_add(
                invitation=invitations[email], actor=users.get(email), text=text, section=sections.get(key)
            )
            if resolution:
                review_comment_resolve(comment=comment, actor=manager, note=resolution)
        review_round_close(review_round=review_round, actor=manager)
    # -- local data ----------------------------------------------------------

    def _ensure_local_data(self, partnership):
        """Two years of fictional local data, added once: periods, figures and breakdowns of contacts."""
        from impact.models import LocalDataPeriod
        from impact.services import breakdown_record, figure_record, period_create

        if LocalDataPeriod.objects.filter(partnership=partnership).exists():
            return
        manager = User.objects.get(email="manager@demo.example")
        agencies = {a.short_name: a for a in partnership.agencies.all()}
        for label, start, end, (under_16, under_18), figures, breakdowns in LOCAL_DATA:
            period = period_create(
                partnership=partnership, actor=manager, label=label, kind="year", start_date=_date(start),
                end_date=_date(end), child_population_under_16=under_16, child_population_under_18=under_18,
            )
            saved = {}
            for measure, count, total, agency in figures:
                saved[measure] = figure_record(
                    period=period, actor=manager, measure=measure, count=count, total=total,
                    source_agency=agencies[agency],
                )
            for measure, dimension, category, count, total in breakdowns:
                breakdown_record(
                    figure=saved[measure], actor=manager, dimension=dimension, category=category, count=count,
                    total=total,
                )


# Fictional figures: (label, start, end, (children under 16, under 18), figures, breakdowns).
# figures: (measure, count, all of that kind or None, source agency short name)
# breakdowns: (measure, dimension, category, count, all in the category)
LOCAL_DATA = [
    (
        "2024–25", "2024-04-01", "2025-03-31", (60900, 69800),
        [
            ("contacts", 371, 11840, "Children's Services"),
            ("referrals", 302, 3970, "Children's Services"),
            ("assessments", 236, 3310, "Children's Services"),
            ("plans", 131, 512, "Children's Services"),
            ("offences", 284, None, "Police"),
        ],
        [
            ("contacts", "gender", "Female", 214, 5690),
            ("contacts", "gender", "Male", 151, 5980),
            ("contacts", "gender", "Not recorded", 6, 170),
        ],
    ),
    (
        "2025–26", "2025-04-01", "2026-03-31", (61400, 70300),
        [
            ("contacts", 412, 12060, "Children's Services"),
            ("referrals", 339, 4105, "Children's Services"),
            ("assessments", 268, 3390, "Children's Services"),
            ("plans", 154, 538, "Children's Services"),
            ("offences", 301, None, "Police"),
        ],
        [
            ("contacts", "gender", "Female", 233, 5801),
            ("contacts", "gender", "Male", 172, 6085),
            ("contacts", "gender", "Not recorded", 7, 174),
            ("contacts", "age_band", "0–4", 31, 2530),
            ("contacts", "age_band", "5–9", 62, 3010),
            ("contacts", "age_band", "10–15", 236, 4620),
            ("contacts", "age_band", "16–17", 83, 1900),
            ("contacts", "ethnicity", "White British", 259, 6980),
            ("contacts", "ethnicity", "White Other", 38, 1210),
            ("contacts", "ethnicity", "Asian", 41, 1450),
            ("contacts", "ethnicity", "Black", 27, 820),
            ("contacts", "ethnicity", "Mixed", 22, 560),
            ("contacts", "ethnicity", "Not recorded", 25, 1040),
        ],
    ),
]
