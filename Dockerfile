# One image for every production process: migrations, Celery workers and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 REUSE_INSTANCE_PATH=/var/lib/reuse
WORKDIR /app
COPY pyproject.toml README.md ./
COPY reuse ./reuse
COPY workers ./workers
COPY web ./web
RUN pip install --no-cache-dir . && pybabel compile -d web/translations && useradd --system --home /var/lib/reuse reuse \
    && mkdir -p /var/lib/reuse && chown reuse /var/lib/reuse
USER reuse
