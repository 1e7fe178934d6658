from django.db import migrations


def load(apps, schema_editor):
    from partnerships.reference import load_reference_data

    load_reference_data(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
