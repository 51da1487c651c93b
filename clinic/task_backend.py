"""django_tasks_db's database backend, queuing each task with one cheaper INSERT.

The worker (`manage.py db_worker`), the task rows and their admin are the library's. What
differs is on the patient's path, where every submission queues the staff email: the row is
stored by ``clinic.inserts.insert_new`` instead of the ORM's ``create()``, and the task's result
is built once instead of twice. Together about a sixth of a submission's CPU
(docs/benchmarks.md).
"""

import django_tasks_db
from django.tasks.signals import task_enqueued
from django.utils.json import normalize_json

from .inserts import insert_new


class DatabaseBackend(django_tasks_db.DatabaseBackend):
    def _task_to_db_task(self, task, args, kwargs):
        # Imported here, as the library does: a backend can be made before the models load.
        from django_tasks_db.models import DBTaskResult

        db_result = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        insert_new(db_result)
        return db_result

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = self._task_to_db_task(task, args, kwargs).task_result
        task_enqueued.send(type(self), task_result=result)
        return result
