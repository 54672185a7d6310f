# dialoogbot: one bot process per container (`run slack` or `run telegram`), the schema
# upgrade as its own one-shot command (`db upgrade`). See "Run it in production" in the
# README; compose.yaml puts it together with PostgreSQL.
#
#   docker build -t dialoogbot .
#   docker run --rm --env-file .env dialoogbot db upgrade
#   docker run -d --env-file .env -p 3000:3000 dialoogbot run slack --http --port 3000

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: resolve and install into a virtualenv, with the pinned versions -------------
FROM ${PYTHON_IMAGE} AS builder

# Every compiled dependency (asyncpg, greenlet, pydantic-core, aiohttp, typst, …) ships a
# manylinux wheel for CPython 3.11, so no compiler or headers are installed here.
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY cli ./cli
COPY adapters ./adapters
COPY dialogues ./dialogues
COPY storage ./storage
# Not editable: the package (with its cards, templates, translations and migrations) lands
# in the venv's site-packages, so the runtime stage needs only /opt/venv.
RUN /opt/venv/bin/pip install -c constraints.txt ".[slack,telegram]" \
 && /opt/venv/bin/dialoogbot --help >/dev/null

# --- runtime ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    DIALOOGBOT_HEALTH_PORT=3000

RUN groupadd --system dialoogbot \
 && useradd --system --gid dialoogbot --home-dir /app --shell /usr/sbin/nologin dialoogbot \
 && mkdir -p /app \
 && chown dialoogbot:dialoogbot /app
COPY --from=builder /opt/venv /opt/venv

# /app is the working directory and writable: without DIALOOGBOT_DATABASE_URL the bot keeps
# a SQLite file (dialoogbot.db) here; mount a volume on /app to keep it.
WORKDIR /app
USER dialoogbot

# 3000: Slack HTTP mode (/slack/events) and /healthz, /metrics; 8443: Telegram's webhook.
EXPOSE 3000 8443

# /healthz is served on the process's HTTP port: Slack HTTP mode (--port), the Telegram
# webhook (--port) or --metrics-port otherwise. Set DIALOOGBOT_HEALTH_PORT to that port.
# There is no curl in the slim image: Python's urllib fails on anything but a 2xx.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('DIALOOGBOT_HEALTH_PORT', '3000') + '/healthz', timeout=4)"]

# Ctrl-C is the bot's orderly stop (the ticker stops, the database is closed); Docker
# sends it on `docker stop` instead of SIGTERM.
STOPSIGNAL SIGINT

ENTRYPOINT ["dialoogbot"]
CMD ["run", "slack", "--http", "--port", "3000"]
