from django.tasks import task


@task()
def heartbeat():
    """Does nothing: the worker's health check queues it to prove tasks are being run."""
    return True
