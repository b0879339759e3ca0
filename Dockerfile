# briefbot: one process (Slack and/or Discord, feed poller, digest scheduler), settings from the
# environment (docker run --env-file .env), the SQLite database on the /data volume.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/briefbot
COPY pyproject.toml constraints.txt README.md ./
COPY summarizer ./summarizer
COPY bot ./bot
COPY adapters ./adapters
# Pinned like CI; the spaCy model is a dependency, so it is baked into the image here.
RUN /opt/briefbot/bin/pip install --no-cache-dir -c constraints.txt . \
    && /opt/briefbot/bin/python -c "from summarizer.nlp import load_model; load_model()"

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 briefbot \
    && mkdir /data \
    && chown briefbot:briefbot /data
COPY --from=build /opt/briefbot /opt/briefbot
ENV PATH=/opt/briefbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BRIEFBOT_DB=/data/briefbot.sqlite3 \
    BRIEFBOT_HTTP_HOST=0.0.0.0 \
    BRIEFBOT_HTTP_PORT=3000 \
    BRIEFBOT_HEALTH_PORT=8080
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
# 3000: Slack HTTP mode (POST /slack/events); 8080: GET /healthz and GET /metrics.
EXPOSE 3000 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["briefbot", "run"]
