"""Pages of a lower app that show records of the apps above it.

Imports run one way (pyproject.toml's contract), so a lower app never imports a higher one. Where one
of its pages shows what higher apps hold (the partnership's home page, the evidence behind an action),
it names a slot, and each higher app registers a contributor for that slot in its AppConfig.ready().
A contributor is a function of the page's arguments and the context gathered so far, returning entries
for the page's context. They run in INSTALLED_APPS order, so a contributor can use what a lower app put
there (the action plan reads the strategy's "current" on the home page).

Slots:
- "partnership_home" (membership, context): the partnership's home page;
- "action_detail" (membership, action, context): an action's page.
"""
from collections import defaultdict

_contributors = defaultdict(list)


def contribute(slot, contributor):
    """Register `contributor` for `slot` (once, however often ready() runs)."""
    if contributor not in _contributors[slot]:
        _contributors[slot].append(contributor)
    return contributor


def gather(slot, *args):
    """The context entries of every contributor registered for `slot`."""
    context = {}
    for contributor in _contributors[slot]:
        context.update(contributor(*args, context))
    return context
