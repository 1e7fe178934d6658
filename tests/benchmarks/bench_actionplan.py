"""Server time of the action plan at scale: a strategy with 1,000 actions and 10,000 updates.

Prints the median time of the plan page, the progress endpoint and the API list, measured in-process with
Django's test client on a throw-away test database (SQLite by default; set DATABASE_URL for PostgreSQL).

    .venv/bin/python tests/benchmarks/bench_actionplan.py [--runs 15]
"""
import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

N_AIMS, OUTCOMES_PER_AIM, N_ACTIONS, N_UPDATES = 7, 4, 1000, 10_000


def build():
    from actionplan.models import Action, ActionStatus, ActionUpdate
    from partnerships.api_tokens import issue
    from partnerships.models import Agency, CoreComponent, Membership, Partnership, Recommendation, Role, User
    from strategy.models import IntendedOutcome, StrategicAim, Strategy

    partnership = Partnership.objects.create(name="Benchmark Safeguarding Children Partnership", slug="bench",
                                             nation="england", area="Benchmark")
    agencies = [Agency.objects.create(partnership=partnership, name=f"Agency {i}", sector="other") for i in range(8)]
    user = User.objects.create_user(email="manager@bench.example", password="bench-password-1")
    Membership.objects.create(user=user, partnership=partnership, role=Role.BUSINESS_MANAGER)
    strategy = Strategy.objects.create(partnership=partnership, title="Child Sexual Abuse Strategy",
                                       period_start=2026, period_end=2029)
    outcomes = []
    for a in range(1, N_AIMS + 1):
        aim = StrategicAim.objects.create(strategy=strategy, number=a, title=f"Aim {a}")
        outcomes += [IntendedOutcome.objects.create(aim=aim, number=o, text=f"Outcome {a}.{o}")
                     for o in range(1, OUTCOMES_PER_AIM + 1)]
    components = list(CoreComponent.objects.all())
    statuses = [s for s in ActionStatus.values if s not in ("completed", "cancelled")]
    today = timezone.localdate()
    per_aim = {}
    actions = []
    for i in range(N_ACTIONS):
        outcome = outcomes[i % len(outcomes)]
        per_aim[outcome.aim_id] = per_aim.get(outcome.aim_id, 0) + 1
        actions.append(Action(
            strategy=strategy, outcome=outcome, reference=f"{(i % len(outcomes)) // OUTCOMES_PER_AIM + 1}."
                                                          f"{per_aim[outcome.aim_id]}",
            text=f"Benchmark action {i} to improve the response to child sexual abuse.",
            lead_agency=agencies[i % len(agencies)], status=statuses[i % len(statuses)], progress=i % 100,
            completion_date=today + datetime.timedelta(days=(i % 400) - 100),
            core_component=components[i % len(components)] if components else None,
            last_update_at=timezone.now() - datetime.timedelta(days=i % 200),
        ))
    actions = Action.objects.bulk_create(actions, batch_size=500)
    through = Action.recommendations.through
    recs = list(Recommendation.objects.values_list("pk", flat=True))
    through.objects.bulk_create([through(action_id=a.pk, recommendation_id=recs[i % len(recs)])
                                 for i, a in enumerate(actions)], batch_size=1000)
    ActionUpdate.objects.bulk_create([
        ActionUpdate(action=actions[i % N_ACTIONS], author=user, status_from="not_started", status_to="on_track",
                     progress_from=0, progress_to=i % 100, narrative=f"Update {i}.")
        for i in range(N_UPDATES)
    ], batch_size=1000)
    return strategy, user, issue(user, name="Benchmark")[1]


def median_ms(client, url, runs, **headers):
    assert client.get(url, **headers).status_code == 200, url
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    # Not setup_test_environment(): its template instrumentation would add to every render.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        strategy, user, token = build()
        print(f"Built {N_ACTIONS} actions and {N_UPDATES} updates in {time.perf_counter() - started:.1f} s "
              f"on {connection.vendor}")
        client = Client()
        client.force_login(user)
        api = {"HTTP_AUTHORIZATION": f"Token {token}"}
        pages = [
            ("plan page (all 1,000 actions)", f"/p/bench/strategies/{strategy.pk}/actions/", {}),
            ("plan page filtered (overdue)", f"/p/bench/strategies/{strategy.pk}/actions/?overdue=true", {}),
            ("progress endpoint", f"/api/v1/strategies/{strategy.pk}/progress/", api),
            ("API list (page of 50)", f"/api/v1/actions/?strategy={strategy.pk}", api),
            ("API list (page of 200)", f"/api/v1/actions/?strategy={strategy.pk}&page_size=200", api),
        ]
        for label, url, headers in pages:
            print(f"{label:32s} median {median_ms(client, url, args.runs, **headers):8.1f} ms over {args.runs} runs")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
