import pytest

from ..servers import Gunicorn, manage
from .support import PUBLIC_HOST, dockerfile_build_env, production_env


@pytest.fixture(scope="session")
def production_site(tmp_path_factory):
    """The site as the container runs it: collectstatic, migrate, gunicorn with gunicorn.conf.py
    on a loopback port, production settings, its own SQLite database. Stopped after the run."""
    workdir = tmp_path_factory.mktemp("container")
    env = production_env(workdir, f"sqlite:///{workdir / 'db.sqlite3'}")
    # collectstatic runs exactly as the image build does, with the Dockerfile's throwaway settings.
    build_env = {k: env[k] for k in ("PATH", "LANG", "HOME", "STATIC_ROOT") if k in env}
    manage({**build_env, **dockerfile_build_env()}, "collectstatic", "--noinput")
    manage(env, "migrate", "--noinput")
    server = Gunicorn(env, workdir / "logs", host=PUBLIC_HOST).start()
    try:
        yield server
    finally:
        server.stop()
