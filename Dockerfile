# Signpost server image: `docker build -t signpost .` then
# `docker run -p 8000:8000 -v signpost-data:/data signpost` (docs/deploy.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SIGNPOST_HOST=0.0.0.0 \
    SIGNPOST_PORT=8000 \
    SIGNPOST_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY server server
COPY guides guides
COPY analytics analytics
COPY admin admin
COPY sdk/__init__.py sdk/__init__.py
COPY sdk/dist sdk/dist
RUN pip install --no-cache-dir . \
    && useradd --system --home-dir /data signpost \
    && mkdir -p /data && chown signpost /data

USER signpost
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["signpost", "serve"]
