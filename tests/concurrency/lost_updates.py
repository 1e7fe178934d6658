"""No lost updates: paired concurrent edits of the same action and the same section, in real threads
against PostgreSQL. Each pair starts from the same version; every attempt must end saved or refused
with a conflict, and no saved change may be silently overwritten.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python tests/concurrency/lost_updates.py --pairs 1000

The script creates (and afterwards drops) its own scratch database named test_<database>. It prints
the figures and exits non-zero if anything was lost. tests/test_lost_updates.py runs the same
functions with a few dozen pairs on every CI run.
"""
import argparse
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _attempt_pair(worker, args_a, args_b):
    """Run `worker` twice at once, released together by a barrier; return both outcomes."""
    from django.db import connection

    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def run(slot, args):
        try:
            barrier.wait(timeout=30)
            outcomes[slot] = worker(*args)
        except Exception as exc:  # reported as an error, never counted as saved
            outcomes[slot] = ("error", f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(0, args_a)), threading.Thread(target=run, args=(1, args_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _action_via_service(action_id, actor_id, expected, tag):
    from actionplan import services
    from actionplan.models import Action
    from partnerships.errors import ConflictError
    from partnerships.models import User

    try:
        services.action_update_progress(
            action=Action.objects.get(pk=action_id), actor=User.objects.get(pk=actor_id), status="on_track",
            progress=int(tag.rsplit("-", 1)[-1]) % 101, narrative=tag, expected_version=expected,
        )
    except ConflictError:
        return ("conflict", tag)
    return ("saved", tag)


def _action_via_api(action_id, token, expected, tag):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.patch(
        f"/api/v1/actions/{action_id}/", {"status": "on_track", "progress": int(tag.rsplit("-", 1)[-1]) % 101,
                                          "narrative": tag},
        format="json", HTTP_IF_MATCH=f'"{expected}"',
    )
    if response.status_code == 200:
        return ("saved", tag)
    if response.status_code in (409, 412):
        return ("conflict", tag)
    return ("error", f"HTTP {response.status_code}")


def _section_via_service(section_id, actor_id, expected, tag):
    from partnerships.errors import ConflictError
    from partnerships.models import User
    from strategy import services
    from strategy.models import Section

    try:
        services.section_update(
            section=Section.objects.get(pk=section_id), actor=User.objects.get(pk=actor_id), title="Our approach",
            body=f"Text written by {tag}.", expected_revision=expected,
        )
    except ConflictError:
        return ("conflict", tag)
    return ("saved", tag)


def run_action_pairs(*, action, actor, pairs, via="service", token=None):
    """`pairs` rounds of two concurrent progress updates from the same version. Returns a Counter of
    saved / conflict / error / lost."""
    from actionplan.models import Action, ActionUpdate

    counts, saved_tags = Counter(), []
    start_version = Action.objects.get(pk=action.pk).version
    start_updates = ActionUpdate.objects.filter(action_id=action.pk).count()
    for i in range(pairs):
        version = Action.objects.get(pk=action.pk).version
        credential = token if via == "api" else actor.pk
        worker = _action_via_api if via == "api" else _action_via_service
        outcomes = _attempt_pair(worker, (action.pk, credential, version, f"{via}-{i}-a-{i}"),
                                 (action.pk, credential, version, f"{via}-{i}-b-{i}"))
        saved = [tag for kind, tag in outcomes if kind == "saved"]
        counts.update(kind for kind, _ in outcomes)
        # Two saves from the same version means the first was overwritten without anyone being told.
        counts["lost"] += max(0, len(saved) - 1)
        saved_tags += saved
    current = Action.objects.get(pk=action.pk)
    stored = set(ActionUpdate.objects.filter(action_id=action.pk).values_list("narrative", flat=True))
    counts["lost"] += sum(1 for tag in saved_tags if tag not in stored)
    counts["lost"] += abs((current.version - start_version) - counts["saved"])
    counts["lost"] += abs(ActionUpdate.objects.filter(action_id=action.pk).count() - start_updates - counts["saved"])
    return counts


def run_section_pairs(*, section, actor, pairs):
    """`pairs` rounds of two concurrent saves of the same section from the same revision."""
    from strategy.models import Section

    counts = Counter()
    start_revision = Section.objects.get(pk=section.pk).revision
    for i in range(pairs):
        revision = Section.objects.get(pk=section.pk).revision
        outcomes = _attempt_pair(_section_via_service, (section.pk, actor.pk, revision, f"section-{i}-a"),
                                 (section.pk, actor.pk, revision, f"section-{i}-b"))
        saved = [tag for kind, tag in outcomes if kind == "saved"]
        counts.update(kind for kind, _ in outcomes)
        counts["lost"] += max(0, len(saved) - 1)
        body = Section.objects.get(pk=section.pk).body
        if saved and body != f"Text written by {saved[-1]}." and body not in {f"Text written by {t}." for t in saved}:
            counts["lost"] += 1
    counts["lost"] += abs(Section.objects.get(pk=section.pk).revision - start_revision - counts["saved"])
    return counts


def seed():
    """One partnership with a strategy, a section, an action and its lead member (with an API token)."""
    sys.path.insert(0, str(ROOT))
    from conftest import build_side
    from partnerships.api_tokens import issue

    side = build_side("Ashvale")
    return side, issue(side.users["member_lead"])[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=1000, help="pairs per target (default 1000)")
    parser.add_argument("--api-share", type=float, default=0.5,
                        help="share of the action pairs sent through the API with If-Match (default 0.5)")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.test_settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        sys.exit("This script needs PostgreSQL: set DATABASE_URL=postgres://…")
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        side, token = seed()
        api_pairs = int(options.pairs * options.api_share)
        started = time.perf_counter()
        results = {
            "action (service)": run_action_pairs(action=side.action, actor=side.users["member_lead"],
                                                 pairs=options.pairs - api_pairs),
            "action (API, If-Match)": run_action_pairs(action=side.action, actor=side.users["member_lead"],
                                                       pairs=api_pairs, via="api", token=token),
            "section (service)": run_section_pairs(section=side.section, actor=side.users["manager"],
                                                   pairs=options.pairs),
        }
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
        connection.creation.destroy_test_db(name, verbosity=0)
    print(f"{'target':<24}{'pairs':>7}{'attempts':>10}{'saved':>8}{'conflict':>10}{'error':>7}{'lost':>6}")
    total = Counter()
    for target, counts in results.items():
        attempts = counts["saved"] + counts["conflict"] + counts["error"]
        print(f"{target:<24}{attempts // 2:>7}{attempts:>10}{counts['saved']:>8}{counts['conflict']:>10}"
              f"{counts['error']:>7}{counts['lost']:>6}")
        total.update(counts)
    print(f"{'all':<24}{(total['saved'] + total['conflict'] + total['error']) // 2:>7}"
          f"{total['saved'] + total['conflict'] + total['error']:>10}{total['saved']:>8}{total['conflict']:>10}"
          f"{total['error']:>7}{total['lost']:>6}")
    print(f"{elapsed:.1f} s")
    sys.exit(1 if total["lost"] or total["error"] else 0)


if __name__ == "__main__":
    main()
