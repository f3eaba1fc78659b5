from django.apps import AppConfig


class SampleDataConfig(AppConfig):
    """Data built from every app: the demo agency (seed_demo) and large data sets
    (generate_dataset). Installed so its management commands are found; it has no models."""

    name = "sample_data"
    verbose_name = "Sample data"
