from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0010_board_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="shared_with_leader",
            field=models.BooleanField(default=False),
        ),
    ]
