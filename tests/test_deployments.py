"""What `prefect deploy --all` would deploy, checked offline: entrypoints, parameters, schedules, job variables,
the image recipe, and the blocks that hold the secrets."""

import re
from pathlib import Path

import pytest
import yaml
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import Flow, load_flow_from_entrypoint

ROOT = Path(__file__).parents[1]
PREFECT_YAML = yaml.safe_load((ROOT / "prefect.yaml").read_text())
DEPLOYMENTS = PREFECT_YAML["deployments"]


def test_prefect_yaml_is_what_prefect_deploy_accepts():
    from prefect.cli.deploy._models import PrefectYamlModel

    PrefectYamlModel.model_validate(PREFECT_YAML)
    assert {d["name"] for d in DEPLOYMENTS} >= {"delivery-scheduled", "delivery-manual", "replay", "prune-landings",
                                                "publish"}


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_entrypoint_is_a_flow_and_parameters_fit_its_signature(deployment, monkeypatch):
    monkeypatch.chdir(ROOT)
    flow = load_flow_from_entrypoint(deployment["entrypoint"], use_placeholder_flow=False)
    assert isinstance(flow, Flow)
    flow.validate_parameters(deployment.get("parameters", {}))  # raises on an unknown or invalid parameter


@pytest.mark.parametrize("deployment", [d for d in DEPLOYMENTS if d.get("schedules")], ids=lambda d: d["name"])
def test_schedules_parse(deployment):
    for schedule in deployment["schedules"]:
        CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])


def test_publish_runs_after_every_successful_delivery_run():
    """The trigger Prefect builds from prefect.yaml matches a completed run of the delivery flow, and only that."""
    import uuid
    from datetime import datetime, timezone

    from prefect.events import DeploymentEventTrigger
    from prefect.server.events.schemas.automations import EventTrigger
    from prefect.server.events.schemas.events import ReceivedEvent

    from flows.delivery import delivery

    publish = next(d for d in DEPLOYMENTS if d["name"] == "publish")
    configured = DeploymentEventTrigger.model_validate(publish["triggers"][0])
    configured.set_deployment_id(uuid.uuid4())
    trigger = EventTrigger.model_validate(configured.as_automation().trigger.model_dump())  # as the server holds it

    def completed(flow_name: str, event: str = "prefect.flow-run.Completed") -> ReceivedEvent:
        return ReceivedEvent(occurred=datetime.now(timezone.utc), event=event,
                             resource={"prefect.resource.id": f"prefect.flow-run.{uuid.uuid4()}"},
                             related=[{"prefect.resource.id": f"prefect.flow.{uuid.uuid4()}",
                                       "prefect.resource.role": "flow", "prefect.resource.name": flow_name}],
                             id=uuid.uuid4())

    assert trigger.covers(completed(delivery.name))
    assert not trigger.covers(completed(delivery.name, "prefect.flow-run.Failed"))
    assert not trigger.covers(completed("publish"))  # a publish run does not publish again


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_job_variables_exist_in_the_ecs_push_pool_template(deployment):
    from prefect_aws.workers.ecs_worker import ECSWorker

    known = ECSWorker.get_default_base_job_template()["variables"]["properties"]
    job_variables = deployment["work_pool"]["job_variables"]
    assert set(job_variables) <= set(known)
    assert isinstance(job_variables["cpu"], int) and isinstance(job_variables["memory"], int)


def test_dockerfile_is_slim_locked_non_root_and_secret_free():
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [line.split(None, 1) for line in dockerfile.splitlines() if line and not line.startswith("#")
                    and not line.startswith(" ")]
    assert instructions[0] == ["FROM", "python:3.11-slim"]
    assert "uv sync --locked --no-dev" in dockerfile
    assert ["USER", "pipeline"] in instructions
    for secret in ("GITHUB_TOKEN", "PASSWORD", "AWS_SECRET", "DATABASE_URL"):
        assert secret not in dockerfile
    assert 'CMD ["python", "-m", "flows.delivery", "--help"]' in dockerfile


def test_the_image_runs_on_a_read_only_root_as_a_user_that_owns_nothing():
    """Everything the image writes goes under /tmp (a tmpfs with --read-only); the code and the environment belong
    to root, read-only to the user; uv is pinned."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "chown" not in dockerfile and "--create-home " not in dockerfile
    assert re.search(r'pip install --no-cache-dir "uv==\$\{UV_VERSION\}"', dockerfile)
    assert re.search(r"^ARG UV_VERSION=\d+\.\d+\.\d+$", dockerfile, re.MULTILINE)
    after_user = dockerfile.split("USER pipeline", 1)[1]
    for variable in ("HOME", "PREFECT_HOME", "DELIVERY_METRICS_HOME"):
        assert re.search(rf"\b{variable}=/tmp(/|\s|$)", after_user), variable
    assert "--read-only --tmpfs /tmp" in (ROOT / "README.md").read_text()


def test_the_image_holds_every_package_of_the_project():
    """Each package pyproject.toml ships is copied into the image (the demo, `docker run … --demo`, needs the fake
    GitHub's sample organisation)."""
    import tomllib

    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"][
        "packages"]
    copied = {line.split()[1] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("COPY ")}
    assert set(packages) <= copied


def test_blocks_round_trip_and_give_the_pipeline_what_it_needs(prefect_harness, monkeypatch):
    from prefect.blocks.system import Secret
    from prefect_aws import S3Bucket

    from deployments.blocks import build_parser, save_blocks
    from tasks.resources import github_token, warehouse_url_from_block

    environ = {"GITHUB_TOKEN": "ghp_roundtrip_token", "WAREHOUSE_URL": "postgresql://etl:p%40ss@db.internal:6543/wh",
               "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-central-1",
               "LANDING_BUCKET": "acme-landing", "LANDING_FOLDER": "delivery"}
    names = build_parser().parse_args(["--github-token-block", "t-token", "--warehouse-block", "t-warehouse",
                                       "--landing-block", "t-landing", "--aws-credentials-block", "t-aws"])
    saved = save_blocks(names, environ)
    assert len(saved) == 5 and not any("ghp_roundtrip_token" in line or "p@ss" in line for line in saved)
    assert Secret.load("t-token").get() == "ghp_roundtrip_token"
    assert github_token("t-token") == "ghp_roundtrip_token"
    assert warehouse_url_from_block("t-warehouse") == "postgresql://etl:p%40ss@db.internal:6543/wh"
    bucket = S3Bucket.load("t-landing")
    assert (bucket.bucket_name, bucket.bucket_folder) == ("acme-landing", "delivery")


def test_the_local_prefect_yaml_differs_from_prefect_yaml_only_in_the_pool_and_the_image_steps():
    from deployments.local import POOL, local_prefect_yaml

    project = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    local = local_prefect_yaml(project, env={"DELIVERY_METRICS_HOME": "/srv/dm"})
    assert "build" not in local and "push" not in local
    assert local["pull"] == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]
    assert [d["name"] for d in local["deployments"]] == [d["name"] for d in project["deployments"]]
    for written, deployed in zip(project["deployments"], local["deployments"]):
        assert {k: v for k, v in deployed.items() if k != "work_pool"} == {
            k: v for k, v in written.items() if k != "work_pool"}
        assert deployed["work_pool"]["name"] == POOL
        assert deployed["work_pool"]["job_variables"]["env"] == {"PREFECT_LOGGING_LEVEL": "INFO",
                                                                 "DELIVERY_METRICS_HOME": "/srv/dm"}


def test_a_landing_or_site_block_may_be_a_folder(prefect_harness, tmp_path):
    from prefect.filesystems import LocalFileSystem

    from tasks.config import ConfigError
    from tasks.landing.zone import FolderStore
    from tasks.resources import landing_store, place_of_block

    LocalFileSystem(basepath=str(tmp_path / "landing")).save("t-folder-landing", overwrite=True)
    assert landing_store(landing_block="t-folder-landing") == FolderStore(tmp_path / "landing")
    with pytest.raises(ConfigError, match="no S3Bucket or LocalFileSystem block is named 't-missing'"):
        place_of_block("t-missing")
