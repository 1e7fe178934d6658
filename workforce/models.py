"""The multi-agency training needs assessment (guide chapter 6; national recommendation 2)."""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from partnerships.models import Agency, FormOfAbuse, Partnership
from strategy.models import Strategy


class AssessmentStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    COLLECTING = "collecting", "Collecting"
    ANALYSING = "analysing", "Analysing"
    COMPLETE = "complete", "Complete"


class TrainingNeedsAssessment(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="training_assessments")
    strategy = models.ForeignKey(
        Strategy, on_delete=models.SET_NULL, null=True, blank=True, related_name="training_assessments"
    )
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.PLANNING)
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="assessment_period_in_order"),
        ]

    def __str__(self):
        return self.title


class YesPartlyNo(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class Course(models.Model):
    """One course or programme in the training provision audit (guide 6.1)."""

    class Delivery(models.TextChoices):
        SINGLE_AGENCY = "single", "Single-agency"
        MULTI_AGENCY = "multi", "Multi-agency"

    class Focus(models.TextChoices):
        SPECIFIC = "specific", "Specific to child sexual abuse"
        GENERIC = "generic", "Generic safeguarding"

    class Stage(models.TextChoices):
        PRE_QUALIFICATION = "pre_qualification", "Pre-qualification"
        IN_SERVICE = "in_service", "In-service"

    class Format(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        LIVE_ONLINE = "live_online", "Live online"
        E_LEARNING = "e_learning", "E-learning"
        BLENDED = "blended", "Blended"
        OTHER = "other", "Other"

    assessment = models.ForeignKey(TrainingNeedsAssessment, on_delete=models.CASCADE, related_name="courses")
    name = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    focus = models.CharField(max_length=10, choices=Focus.choices)
    forms_of_abuse = models.ManyToManyField(FormOfAbuse, blank=True, related_name="courses")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IN_SERVICE)
    frequency = models.CharField(max_length=100, blank=True, help_text="For example: monthly, twice a year, on demand.")
    format = models.CharField(max_length=20, choices=Format.choices)
    audience_agencies = models.ManyToManyField(Agency, blank=True, related_name="courses_for")
    audience_roles = models.CharField(max_length=300, blank=True, help_text="For example: social workers, GPs, teachers.")
    audience_levels = models.CharField(
        max_length=200, blank=True, help_text="For example: all staff, practitioners, managers, senior leaders."
    )
    evaluates_reaction = models.BooleanField(default=False)
    evaluates_learning = models.BooleanField(default=False)
    evaluates_behaviour = models.BooleanField(default=False)
    evaluates_impact = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def evaluation_levels(self):
        names = [
            ("Reaction", self.evaluates_reaction), ("Learning", self.evaluates_learning),
            ("Behaviour", self.evaluates_behaviour), ("Impact", self.evaluates_impact),
        ]
        return [name for name, on in names if on]


class CourseTakeUp(models.Model):
    """Places offered to and taken up by one agency on one course, against the size of its workforce."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="take_up")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="course_take_up")
    places_offered = models.PositiveIntegerField()
    attended = models.PositiveIntegerField()
    workforce_size = models.PositiveIntegerField(help_text="Staff in this agency the course is meant for.")

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "agency"], name="one_take_up_row_per_course_agency"),
            models.CheckConstraint(condition=Q(attended__lte=F("places_offered")), name="attended_within_places"),
        ]


class StaffSurvey(models.Model):
    """The anonymous staff survey of an assessment, answered through an unguessable link."""

    assessment = models.OneToOneField(TrainingNeedsAssessment, on_delete=models.CASCADE, related_name="survey")
    token = models.CharField(max_length=64, unique=True)
    is_open = models.BooleanField(default=False)
    introduction = models.TextField(blank=True)

    def __str__(self):
        return f"Staff survey: {self.assessment}"

    @property
    def audit_partnership(self):
        return self.assessment.partnership


class QuestionKind(models.TextChoices):
    LIKERT = "likert", "Agree or disagree (five-point scale)"
    FREE_TEXT = "free_text", "Free text"


class QuestionTheme(models.TextChoices):
    KNOWLEDGE = "knowledge", "Knowledge"
    CONFIDENCE = "confidence", "Confidence"
    SKILL = "skill", "Skill"
    SUPPORT = "support", "Managers supporting staff"
    TRAINING = "training", "Training received"
    OTHER = "other", "Other"


LIKERT_CHOICES = [
    (1, "Strongly disagree"), (2, "Disagree"), (3, "Neither agree nor disagree"), (4, "Agree"), (5, "Strongly agree"),
]


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(StaffSurvey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=400)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.LIKERT)
    theme = models.CharField(max_length=12, choices=QuestionTheme.choices, default=QuestionTheme.OTHER)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique_in_survey"),
        ]

    def __str__(self):
        return self.text


class RespondentRole(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Team manager or supervisor"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    OTHER = "other", "Other role"


def unordered_id():
    """A random 63-bit primary key: unlike a sequence, it says nothing about the order rows arrived in."""
    return secrets.randbits(63) or 1


class SurveyResponse(models.Model):
    """One anonymous submission. Deliberately holds no user, no IP address and no time of day, and its id
    is random, so neither it nor its answers' ids give the order in which people answered."""

    id = models.BigIntegerField(primary_key=True, default=unordered_id, editable=False)
    survey = models.ForeignKey(StaffSurvey, on_delete=models.CASCADE, related_name="responses")
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=20, choices=RespondentRole.choices)
    submitted_on = models.DateField()
    # The release the response was counted in (1, 2, ...); empty until released. Results count only
    # released responses, and a release holds at least the suppression threshold of them.
    release_batch = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["survey", "agency", "role"])]


class SurveyAnswer(models.Model):
    id = models.BigIntegerField(primary_key=True, default=unordered_id, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="rating_on_the_scale"
            ),
        ]


class PracticeResource(models.Model):
    """A resource practitioners use (guide 6.2), with the questions the audit asks of it."""

    assessment = models.ForeignKey(TrainingNeedsAssessment, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(max_length=200)
    owner = models.CharField("owner or publisher", max_length=200, blank=True)
    accessible_to_all_agencies = models.CharField(max_length=10, choices=YesPartlyNo.choices, default="not_known")
    usable_under_time_pressure = models.CharField(max_length=10, choices=YesPartlyNo.choices, default="not_known")
    aligned_with_current_guidance = models.CharField(max_length=10, choices=YesPartlyNo.choices, default="not_known")
    inclusive_of_all_forms = models.CharField(max_length=10, choices=YesPartlyNo.choices, default="not_known")
    translated_or_adapted = models.CharField(max_length=10, choices=YesPartlyNo.choices, default="not_known")
    embedded_in_procedures = models.CharField(max_length=10, choices=YesPartlyNo.choices, default="not_known")
    last_reviewed = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    CHECKS = (
        ("accessible_to_all_agencies", "Not accessible to all agencies"),
        ("usable_under_time_pressure", "Not usable under time pressure"),
        ("aligned_with_current_guidance", "Not aligned with current guidance"),
        ("inclusive_of_all_forms", "Not inclusive of all forms of child sexual abuse"),
        ("translated_or_adapted", "No translated or culturally adapted versions"),
        ("embedded_in_procedures", "Not embedded in procedures, training or supervision"),
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class NeedPriority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class TrainingNeed(models.Model):
    """A need the assessment identified, met by actions in the plan."""

    assessment = models.ForeignKey(TrainingNeedsAssessment, on_delete=models.CASCADE, related_name="needs")
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="training_needs",
        help_text="Leave empty when the need applies across agencies.",
    )
    role = models.CharField(max_length=200, blank=True, help_text="For example: school staff, GPs, all practitioners.")
    topic = models.CharField(max_length=300)
    priority = models.CharField(max_length=10, choices=NeedPriority.choices, default=NeedPriority.MEDIUM)
    description = models.TextField(blank=True)
    actions = models.ManyToManyField("actionplan.Action", blank=True, related_name="training_needs")

    class Meta:
        ordering = ["assessment", "id"]

    def __str__(self):
        return self.topic


class SurveyGuardMark(models.Model):
    """A used one-time form token, or one address's count of posts in one hour, kept in the database so every
    web process sees the same (a per-process cache would let each of them accept the token once). The address
    is only ever a keyed hash, times are rounded to the hour, and nothing here points to a response."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
