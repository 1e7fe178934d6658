"""The default staff survey question set, written from the themes of guide chapter 6.1."""
from .models import QuestionKind, QuestionTheme

L, T = QuestionKind.LIKERT, QuestionKind.FREE_TEXT

DEFAULT_QUESTIONS = (
    (L, QuestionTheme.KNOWLEDGE,
     "I understand the different forms child sexual abuse can take, including abuse within the family network "
     "and harmful sexual behaviour by other children."),
    (L, QuestionTheme.KNOWLEDGE, "I know the signs and indicators that a child may be being sexually abused."),
    (L, QuestionTheme.KNOWLEDGE,
     "I understand what stops children from telling anyone about sexual abuse, and why some groups of children "
     "(for example disabled children) can find it even harder."),
    (L, QuestionTheme.KNOWLEDGE,
     "I know I should talk with a child whenever I am worried they may have been sexually abused or be at risk."),
    (L, QuestionTheme.CONFIDENCE, "I feel confident spotting when a child may be experiencing sexual abuse."),
    (L, QuestionTheme.CONFIDENCE, "I feel confident talking with a child about sexual abuse when I am worried about them."),
    (L, QuestionTheme.CONFIDENCE, "I feel confident responding well when a child starts to tell me about sexual abuse."),
    (L, QuestionTheme.SKILL,
     "I have the skills my role needs to act on concerns about child sexual abuse, including working with other agencies."),
    (L, QuestionTheme.SUPPORT,
     "If you manage or lead staff: I feel able to support the people I manage when they are worried about child "
     "sexual abuse. (Leave blank if you do not manage anyone.)"),
    (L, QuestionTheme.TRAINING,
     "The training I have had prepares me to identify and respond to child sexual abuse, not only to safeguarding "
     "concerns in general."),
    (T, QuestionTheme.TRAINING, "What training about child sexual abuse have you had in the last three years?"),
    (T, QuestionTheme.OTHER,
     "What gaps in your knowledge would you like training to cover, and what else would help you in your work?"),
)
