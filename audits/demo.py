"""Demo cases and findings for the demo partnership's first audit (used by load_demo; idempotent)."""
from actionplan.models import Action
from partnerships.models import FormOfAbuse, Recommendation

from .models import Audit
from .services import case_create, finding_create

# reference, age band, gender, ethnicity, disability, forms (numbers), agencies involved (short names)
CASES = [
    ("FN26-C01", "10-13", "girl", "white", "no", [1], ["Children's Services", "Police", "Schools"]),
    ("FN26-C02", "5-9", "girl", "white", "no", [1], ["Children's Services", "NHS Trust"]),
    ("FN26-C03", "14-15", "girl", "asian", "no", [1, 6], ["Children's Services", "Police", "Schools"]),
    ("FN26-C04", "10-13", "boy", "white", "yes", [1], ["Children's Services", "NHS Trust", "Schools"]),
    ("FN26-C05", "5-9", "girl", "mixed", "no", [1], ["Children's Services", "Police"]),
    ("FN26-C06", "14-15", "girl", "white", "no", [1, 3], ["Children's Services", "Schools"]),
    ("FN26-C07", "10-13", "girl", "white", "no", [1], ["Children's Services", "Police", "NHS Trust"]),
    ("FN26-C08", "0-4", "girl", "white", "no", [1], ["Children's Services", "NHS Trust"]),
    ("FN26-C09", "10-13", "boy", "white", "no", [3], ["Children's Services", "Schools"]),
    ("FN26-C10", "14-15", "girl", "asian", "no", [1], ["Children's Services", "Police", "Schools"]),
    ("FN26-C11", "5-9", "girl", "white", "not_known", [1], ["Children's Services"]),
    ("FN26-C12", "10-13", "girl", "white", "no", [1, 6], ["Children's Services", "Police", "Schools", "NHS Trust"]),
]

# kind, theme, text, agencies (short names), recommendation number, action text prefix or None
FINDINGS = [
    ("strength", "Joint working",
     "Once sexual abuse was known, police and social workers planned together quickly and kept each other informed.",
     ["Police", "Children's Services"], 3, None),
    ("strength", "Voice of the child",
     "In most cases the child's own words were recorded, and plans reflected what the child said they wanted.",
     ["Children's Services"], 5, None),
    ("strength", "Schools",
     "Designated safeguarding leads noticed changes in behaviour early and passed on their worries the same day.",
     ["Schools"], None, None),
    ("strength", "Health",
     "Paediatric assessments were offered promptly and explained to children in a way they could understand.",
     ["NHS Trust"], 6, None),
    ("area", "Strategy discussions",
     "Health and education were missing from a third of strategy discussions, so what they knew was not weighed.",
     ["Police", "Children's Services", "NHS Trust", "Schools"], 3, "Make sure every strategy discussion"),
    ("area", "Indirect signs",
     "Where a child showed signs but did not tell, practitioners tended to wait rather than plan how to talk with them.",
     ["Children's Services", "Schools"], 5, "Produce practice guidance on talking to children"),
    ("area", "Disabled children",
     "Only one disabled child was in the sample; records rarely considered how a child's communication needs "
     "affected their chance to tell.",
     ["Children's Services", "NHS Trust"], 2, None),
    ("area", "Support after abuse",
     "Children waited many months for therapeutic support, and parents were rarely offered help in their own right.",
     ["NHS Trust", "Children's Services"], 6, None),
    ("area", "Closing cases",
     "Where the outcome was no further police action at this time, the family were not always told what would "
     "happen next.",
     ["Police"], 3, None),
]


def load(*, partnership, strategy, actor):
    """Add the cases and findings to the demo's completed audit, unless it has some already."""
    audit = Audit.objects.filter(partnership=partnership, status="complete").order_by("id").first()
    if audit is None or audit.cases.exists():
        return 0
    agencies = {a.short_name: a for a in partnership.agencies.all()}
    forms = {f.number: f for f in FormOfAbuse.objects.all()}
    recommendations = {r.number: r for r in Recommendation.objects.all()}
    for reference, age, gender, ethnicity, disability, form_numbers, involved in CASES:
        case_create(
            audit=audit, actor=actor, reference=reference, age_band=age, gender=gender, ethnicity_group=ethnicity,
            disability=disability, forms_of_abuse=[forms[n] for n in form_numbers if n in forms],
            agencies_involved=[agencies[k] for k in involved if k in agencies],
        )
    for kind, theme, text, concerned, rec, action_prefix in FINDINGS:
        finding = finding_create(
            audit=audit, actor=actor, kind=kind, theme=theme, text=text,
            agencies=[agencies[k] for k in concerned if k in agencies], recommendation=recommendations.get(rec),
        )
        if action_prefix:
            action = Action.objects.filter(strategy=strategy, text__startswith=action_prefix).first()
            if action:
                finding.actions.add(action)
    return len(CASES)
