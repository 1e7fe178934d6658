from django.core.management.base import BaseCommand

from partnerships.reference import load_reference_data


class Command(BaseCommand):
    help = "Load (or refresh) the national guide's reference data: forms of abuse, groups, recommendations, components, criteria."

    def handle(self, *args, **options):
        counts = load_reference_data()
        self.stdout.write(", ".join(f"{n} {name}" for name, n in counts.items()))
