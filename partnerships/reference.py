"""Loading the guide's reference data from fixtures/reference_data.json (idempotent)."""
import json
from pathlib import Path

REFERENCE_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "reference_data.json"

MODEL_KEYS = {
    "forms_of_abuse": "FormOfAbuse",
    "affected_groups": "AffectedGroup",
    "recommendations": "Recommendation",
    "core_components": "CoreComponent",
    "success_criteria": "SuccessCriterion",
}


def load_reference_data(get_model=None):
    """Create or update every reference item by its code. `get_model` lets a migration pass its historical models."""
    if get_model is None:
        from django.apps import apps

        get_model = apps.get_model
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    counts = {}
    for key, model_name in MODEL_KEYS.items():
        model = get_model("partnerships", model_name)
        for position, item in enumerate(data[key], start=1):
            # Ids follow the file's order, so they are the same in every database, including one
            # whose tables were emptied and loaded again (as between tests).
            model.objects.update_or_create(
                code=item["code"],
                defaults={k: item.get(k, "") for k in ("number", "name", "description", "source")},
                create_defaults={"id": position, **{k: item.get(k, "") for k in ("number", "name", "description", "source")}},
            )
        counts[model_name] = len(data[key])
    return counts
