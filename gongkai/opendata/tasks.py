"""Background work of open data (django-tasks, database backend).

`ingest_version` turns an uploaded table into Parquet and its full-text index; the version's
`status`, `progress` and `message` show the uploader how far it got. Enqueue with
`enqueue_ingest` inside the upload's transaction: the task starts only once it has committed.
"""

from django.db import transaction
from django_tasks import task

from . import services
from .models import ResourceVersion


@task()
def ingest_version(version_id: str) -> str:
    version = ResourceVersion.objects.get(pk=version_id)
    return services.ingest(version).status


def enqueue_ingest(version: ResourceVersion) -> None:
    version_id = str(version.pk)
    transaction.on_commit(lambda: ingest_version.enqueue(version_id))
