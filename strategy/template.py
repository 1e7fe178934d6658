"""The strategy template of the national guide (chapter 2): eleven sections in
order, each with prompts, in our own words, for the person drafting it."""
from dataclasses import dataclass


@dataclass(frozen=True)
class SectionTemplate:
    key: str
    number: int
    title: str
    prompts: tuple


TEMPLATE_SECTIONS = (
    SectionTemplate("introduction", 1, "Introduction", (
        "Why does the partnership need a strategy for child sexual abuse, and who is it for?",
        "What does the national picture tell us about how much abuse goes unidentified?",
        "Which laws, statutory guidance and national reviews shape this strategy?",
    )),
    SectionTemplate("vision", 2, "Shared vision and strategic priorities", (
        "In one or two sentences, what will be different for children in this area?",
        "Which priorities or commitments have all partners signed up to, and what does each mean in practice?",
        "How were children, young people, parents and victims/survivors involved in shaping the vision?",
    )),
    SectionTemplate("governance", 3, "Governance", (
        "Which body owns the strategy, and which group drives its delivery day to day?",
        "Who chairs each group, which agencies sit on it and how often does it meet?",
        "Who reports to whom, and how will the board hold partners to account for their actions?",
    )),
    SectionTemplate("local_context", 4, "Local and regional context", (
        "What do local data show about the children identified, and how does that compare with the prevalence estimate?",
        "What does the current multi-agency response look like: services, pathways, audits and feedback from practitioners?",
        "Where are the gaps: forms of abuse, groups of children or parts of the system the response does not yet reach?",
    )),
    SectionTemplate("aims_outcomes", 5, "Strategic aims and intended outcomes", (
        "What are the partnership's strategic aims, and what does each one mean?",
        "For each aim, what do you want to see by the end of the strategy period?",
        "Which intended outcomes will show that each aim is being achieved?",
    )),
    SectionTemplate("prevention_disruption", 6, "Prevention and disruption of child sexual abuse", (
        "How will partners stop abuse before it happens, in families, communities, schools and online?",
        "How will you disrupt people who pose a risk of sexual harm to children, including through civil orders?",
        "Which forms of abuse does your prevention work reach, and which does it miss?",
    )),
    SectionTemplate("identification", 7, "Identification of child sexual abuse", (
        "How will professionals recognise signs and indicators when children do not tell?",
        "How will children be helped to tell, and how will professionals respond when they do?",
        "How will enquiries and investigations be strengthened, including joint decision-making at the front door?",
    )),
    SectionTemplate("supportive_response", 8, "Supportive response to people affected by child sexual abuse", (
        "What support is available to children who have been abused, and to their parents and siblings?",
        "How does the response reach children who display harmful sexual behaviour, and adult victims/survivors?",
        "Where are the waiting lists, thresholds or gaps in therapeutic and health support?",
    )),
    SectionTemplate("workforce", 9, "Workforce development", (
        "What did the training needs assessment find about knowledge, confidence and skills across agencies?",
        "Which training, supervision and practice resources will be offered, to whom and how often?",
        "How will you know whether training changes practice, not just attendance?",
    )),
    SectionTemplate("action_plan", 10, "Action plan", (
        "Introduce the action plan: how actions were chosen and how they link to the aims and outcomes.",
        "Explain how the plan will be kept current and who updates it.",
        "The table of actions is added to the document from the action plan records.",
    )),
    SectionTemplate("monitoring", 11, "Monitoring and evaluation", (
        "How will progress against the action plan be monitored, by whom and how often?",
        "Which measures show whether the intended outcomes are being achieved, and where do the data come from?",
        "When and how will the strategy be reviewed and refreshed?",
    )),
)

TEMPLATE_BY_KEY = {section.key: section for section in TEMPLATE_SECTIONS}

# Prompts for the parts around the template: the guide asks for a content warning and a shared
# definition; the foreword and extra sections are the partnership's own.
KIND_PROMPTS = {
    "foreword": (
        "Who introduces the strategy? A joint foreword from the statutory partners shows shared ownership.",
        "Why does this matter to children and families here, and what will the partners do differently?",
        "Thank the children, parents, victims/survivors and practitioners who helped shape it.",
    ),
    "content_warning": (
        "Tell readers the document discusses child sexual abuse and may be hard to read.",
        "Remember that some readers will have been abused themselves and may never have told anyone.",
        "Say where they can find support, with a link or telephone number.",
    ),
    "definitions": (
        "Which definition of child sexual abuse does the partnership use, and where does it come from?",
        "Which forms and contexts of abuse does it include, in and outside the family and online?",
        "Explain the words the strategy uses: victims/survivors, harmful sexual behaviour, telling, parents.",
    ),
    "extra": (
        "Give the section a heading that says what it is about, for example \"Voice of the child\".",
        "Use headings, lists and tables to keep it easy to read.",
    ),
}
