# The image the ECS push work pool runs: slim Python, the locked dependencies, a non-root user, no secrets
# (tokens and passwords come from Prefect blocks at run time).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/delivery-metrics/.venv

RUN pip install --no-cache-dir uv \
    && useradd --create-home --uid 10001 pipeline

WORKDIR /opt/delivery-metrics
# Dependencies first (cached while only the code changes), exactly as locked.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY flows ./flows
COPY tasks ./tasks
COPY deployments ./deployments
COPY fake_github ./fake_github
RUN uv sync --locked --no-dev && chown -R pipeline /opt/delivery-metrics

USER pipeline
ENV PATH=/opt/delivery-metrics/.venv/bin:$PATH \
    DELIVERY_METRICS_HOME=/home/pipeline/.delivery-metrics
CMD ["python", "-m", "flows.delivery", "--help"]
