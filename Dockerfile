# The image the ECS push work pool runs: slim Python, the locked dependencies, a non-root user that owns nothing in
# the image, no secrets (tokens and passwords come from Prefect blocks at run time). It runs with a read-only root
# file system: everything it writes goes under /tmp (`docker run --read-only --tmpfs /tmp …`; on ECS,
# readonlyRootFilesystem with a volume at /tmp). Pin the base by digest where you build it:
# FROM python:3.11-slim@sha256:… (docker buildx imagetools inspect python:3.11-slim).
FROM python:3.11-slim
ARG UV_VERSION=0.13.9

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/delivery-metrics/.venv

RUN pip install --no-cache-dir "uv==${UV_VERSION}" \
    && useradd --no-create-home --home-dir /tmp --uid 10001 pipeline

WORKDIR /opt/delivery-metrics
# Dependencies first (cached while only the code changes), exactly as locked.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY flows ./flows
COPY tasks ./tasks
COPY deployments ./deployments
COPY fake_github ./fake_github
RUN uv sync --locked --no-dev

USER pipeline
ENV PATH=/opt/delivery-metrics/.venv/bin:$PATH \
    HOME=/tmp \
    PREFECT_HOME=/tmp/prefect \
    DELIVERY_METRICS_HOME=/tmp/delivery-metrics
CMD ["python", "-m", "flows.delivery", "--help"]
