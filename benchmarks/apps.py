from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """`make bench`: pages timed under gunicorn on a large data set (manage.py bench_pages).

    Installed so its management commands are found. Its timing middleware and yardstick view
    are switched on only by BENCH_TIMING (see recruitcrm/settings.py and recruitcrm/urls.py).
    """

    name = "benchmarks"
    verbose_name = "Benchmarks"
