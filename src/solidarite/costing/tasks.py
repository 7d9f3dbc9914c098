"""The background task behind a costing run (django-tasks, database back-end)."""

from django_tasks import task

from solidarite.costing import runner


@task()
def run_costing(run_id: int) -> None:
    runner.execute(run_id)
