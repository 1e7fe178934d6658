#!/bin/sh
# Mutation testing of the write paths: mutmut changes strategy/services.py, actionplan/services.py and
# partnerships/records.py one small edit at a time (the list is [tool.mutmut] in pyproject.toml) and runs
# the tests that cover the changed function. A mutant that no test notices ("survived") is a missing
# assertion. Takes tens of minutes on two cores; results are kept in mutants/ so a second run only redoes
# what changed.
#   scripts/mutation.sh            run, then print the score and the survivors
#   scripts/mutation.sh show NAME  the diff of one survivor
set -eu
cd "$(dirname "$0")/.."
MUTMUT=.venv/bin/mutmut
if [ "${1:-}" = "show" ]; then exec $MUTMUT show "$2"; fi
$MUTMUT run --max-children "${MUTATION_CHILDREN:-2}" || true
$MUTMUT export-cicd-stats >/dev/null 2>&1 || true
.venv/bin/python - <<'PY'
import json
from pathlib import Path

stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
tested = stats["killed"] + stats["survived"] + stats["timeout"] + stats["suspicious"]
print(f"mutants: {stats['total']}, killed {stats['killed']}, survived {stats['survived']}, "
      f"no tests {stats['no_tests']}, timeout {stats['timeout']}, skipped {stats['skipped']}")
if tested:
    print(f"mutation score: {100 * (stats['killed'] + stats['timeout']) / tested:.1f}% of the mutants that tests reach")
PY
$MUTMUT results
