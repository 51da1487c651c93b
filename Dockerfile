# The clinic site: gunicorn serving Django, static files served by WhiteNoise.
# Build:  docker build -t clinic-site .
# Run:    see "Deploying" in docs/operations.md for the environment it needs.
# Debian 13 (trixie), whose PostgreSQL client is major version 17: the version compose.yaml's
# database runs, so `manage.py backup` and `restore` work against it.
FROM python:3.13-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

WORKDIR /app

# pg_dump and pg_restore for backups. Unpinned on purpose: Debian's security updates come in.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-17 \
    && rm -rf /var/lib/apt/lists/*

# Dependencies in their own layer, rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Hashed, compressed static files, built once into the image. Production settings insist on
# secrets, so the build uses throwaway ones that never reach the running container.
RUN DEBUG=off \
    SECRET_KEY=collectstatic-only-throwaway-key \
    FIELD_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LXRocm93YXdheS1rZXk= \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && groupadd --system --gid 10001 clinic \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent clinic \
    && mkdir /backups && chown 10001:10001 /backups && chmod 0700 /backups

# The code and static files stay owned by root: the server cannot change them.
USER 10001:10001

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=6s --start-period=20s --retries=3 \
    CMD ["python", "-m", "clinic.healthcheck"]

# Exec form: gunicorn runs as PID 1 and receives the container's stop signal directly.
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
