"""`python -m deployments.local up|down`: production's topology on one machine.

`up` starts, in the foreground until Ctrl-C (or `down` from another shell):
  - Postgres: DATABASE_URL's server, or the embedded one in the local home; the warehouse and Prefect's own database;
  - `prefect server start` with its services (scheduler, automations, late runs, cancellation cleanup);
  - a `process` work pool standing in for the ECS push pool, and a worker polling it;
  - every deployment of prefect.yaml, deployed with `prefect deploy`: the same names, entrypoints, parameters,
    schedules and triggers; only the pool (and the image steps an ECS pool needs) differ;
  - the blocks those deployments name: the GitHub token (GITHUB_TOKEN), the warehouse (the owner's login for the
    delivery flows, a login in the read-only role `reporting` for publish, one in `webhook_receiver` for the
    receiver), and a landing folder and a site folder (LocalFileSystem blocks) in place of the S3 buckets;
  - the webhook receiver, its secret in a Secret block (and, for pasting into GitHub, in a file beside it).

Set GITHUB_TOKEN first (and GITHUB_ENTERPRISE_HOST for a GitHub Enterprise Server); edit the boards in prefect.yaml's
`projects` as for production.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from deployments.local_server import answers_within, free_port

ROOT = Path(__file__).resolve().parents[1]
POOL = "delivery-local"
WEBHOOK_SECRET_BLOCK = "webhook-secret"
RECEIVER_BLOCK = "warehouse-receiver"  # a login in webhook_receiver, as deployments/receiver-ecs-service.json names
PUBLISHER_LOGIN, RECEIVER_LOGIN = "dashboard_publisher", "webhook_receiver_login"  # the logins `up` creates
FOLDER_BLOCKS = {"landing_block": "landing", "site_block": "site"}  # parameter → folder of the local home


def local_prefect_yaml(project: dict, pool: str = POOL, root: Path = ROOT, env: dict | None = None) -> dict:
    """prefect.yaml for a process pool on the one machine: every deployment as it is, on `pool`, its code pulled from
    the checkout at `root` instead of an image (no build or push steps; the pool's job variables keep their env)."""
    local = {key: value for key, value in project.items() if key not in ("build", "push", "pull", "definitions")}
    local["pull"] = [{"prefect.deployments.steps.set_working_directory": {"directory": str(root)}}]
    deployments = []
    for deployment in project["deployments"]:
        variables = (deployment.get("work_pool") or {}).get("job_variables") or {}
        deployments.append({**deployment, "work_pool": {
            "name": pool, "work_queue_name": "default",
            "job_variables": {"env": {**(variables.get("env") or {}), **(env or {})}}}})
    local["deployments"] = deployments
    return local


def block_names(project: dict) -> dict[str, str]:
    """The block each `*_block` parameter of the deployments names (the first deployment's, for a parameter several
    name; the publish deployment's warehouse is `publish_warehouse_block`)."""
    names: dict[str, str] = {}
    for deployment in project["deployments"]:
        for parameter, value in (deployment.get("parameters") or {}).items():
            if parameter.endswith("_block") and value:
                names.setdefault(parameter, value)
    return names


def publish_warehouse_block(project: dict) -> str:
    """The warehouse block of the publish deployment: a read-only login's."""
    [publish] = [deployment for deployment in project["deployments"] if deployment["name"] == "publish"]
    return publish["parameters"]["warehouse_block"]


@dataclass
class LocalProduction:
    """The pool, blocks, deployments, worker and receiver of one machine, on the Prefect API at `api_url`."""

    api_url: str
    home: Path
    warehouse_url: str = field(repr=False)
    receiver_port: int = 0
    github_url: str | None = None
    github_token: str | None = field(default=None, repr=False)  # default: env GITHUB_TOKEN
    worker_settings: dict[str, str] = field(default_factory=dict)  # Prefect settings of the worker (poll interval)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def project(self) -> dict:
        return yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))

    @property
    def receiver_url(self) -> str:
        return f"http://127.0.0.1:{self.receiver_port}"

    def folder(self, parameter: str) -> Path:
        return self.home / FOLDER_BLOCKS[parameter]

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in ("PREFECT_API_KEY", "DATABASE_URL")}
        env.update({"PREFECT_API_URL": self.api_url, "DELIVERY_METRICS_HOME": str(self.home),
                    "PREFECT_HOME": str(self.home / "prefect-client")})
        if self.github_url:
            env["GITHUB_GRAPHQL_URL"] = self.github_url
        return env

    def up(self) -> LocalProduction:
        self.home.mkdir(parents=True, exist_ok=True)
        self.prepare()
        self.deploy()
        self.start_worker()
        self.start_receiver()
        return self

    def prepare(self) -> None:
        """The work pool, the blocks the deployments name, the GitHub concurrency limit, the webhook secret."""
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.actions import WorkPoolCreate
        from prefect.exceptions import ObjectAlreadyExists
        from prefect.filesystems import LocalFileSystem
        from prefect.settings import PREFECT_API_URL, temporary_settings
        from prefect.workers.process import ProcessWorker

        from deployments.blocks import build_parser, save_blocks
        from tasks.warehouse.roles import create_login, grant_receiver, grant_reporting
        from tasks.warehouse.stages import prepare_warehouse

        names = block_names(self.project)
        prepare_warehouse(url=self.warehouse_url)  # the receiver never migrates: the schema is there before it starts
        grant_reporting(self.warehouse_url)
        grant_receiver(self.warehouse_url)
        with temporary_settings({PREFECT_API_URL: self.api_url}):
            with get_client(sync_client=True) as client:
                try:
                    client.create_work_pool(WorkPoolCreate(
                        name=POOL, type="process", base_job_template=ProcessWorker.get_default_base_job_template()))
                except ObjectAlreadyExists:
                    pass
            environ = {"WAREHOUSE_URL": self.warehouse_url,
                       "READER_WAREHOUSE_URL": create_login(self.warehouse_url, PUBLISHER_LOGIN, "reporting"),
                       "RECEIVER_WAREHOUSE_URL": create_login(self.warehouse_url, RECEIVER_LOGIN, "webhook_receiver"),
                       "GITHUB_TOKEN": self.github_token or os.environ.get("GITHUB_TOKEN", "")}
            save_blocks(build_parser().parse_args([
                "--github-token-block", names["github_token_block"], "--warehouse-block", names["warehouse_block"],
                "--reader-block", publish_warehouse_block(self.project), "--receiver-block", RECEIVER_BLOCK]), environ)
            for parameter in FOLDER_BLOCKS:
                self.folder(parameter).mkdir(parents=True, exist_ok=True)
                LocalFileSystem(basepath=str(self.folder(parameter))).save(names[parameter], overwrite=True)
            self._webhook_secret()

    def _webhook_secret(self) -> None:
        """The receiver's secret: kept if the block exists, else a new one, also written (0600) to a file of the
        home for pasting into GitHub's webhook settings. Never printed."""
        from prefect.blocks.system import Secret

        from tasks.webhooks.secrets import WebhookSecrets

        try:
            Secret.load(WEBHOOK_SECRET_BLOCK)
            return
        except ValueError:
            pass
        value = secrets.token_urlsafe(32)
        Secret(value=json.dumps(WebhookSecrets(current=value).to_value())).save(WEBHOOK_SECRET_BLOCK, overwrite=True)
        path = self.webhook_secret_path
        path.touch(mode=0o600)
        path.write_text(value + "\n", encoding="utf-8")

    @property
    def webhook_secret_path(self) -> Path:
        return self.home / "webhook-secret.txt"

    def deploy(self) -> None:
        """`prefect deploy --all` of the local prefect.yaml: Prefect's own path, as an operator runs it."""
        path = self.home / "prefect.local.yaml"
        path.write_text(yaml.safe_dump(local_prefect_yaml(self.project, env={"DELIVERY_METRICS_HOME": str(self.home)}),
                                       sort_keys=False), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all", "--prefect-file",
                               str(path)], cwd=ROOT, env=self.environment(), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"prefect deploy failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")

    def start_worker(self) -> None:
        env = {**self.environment(), **self.worker_settings}
        self._start("worker", [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL, "--type", "process",
                               "--name", f"{POOL}-worker"], env)

    def start_receiver(self, timeout: float = 60) -> None:
        names = block_names(self.project)
        self.receiver_port = self.receiver_port or free_port()
        self._start("receiver", [sys.executable, "-m", "flows.receiver", "--port", str(self.receiver_port),
                                 "--secret-block", WEBHOOK_SECRET_BLOCK, "--landing-block", names["landing_block"],
                                 "--warehouse-block", RECEIVER_BLOCK], self.environment())
        if answers_within(f"{self.receiver_url}/healthz", timeout, self.check_alive):
            return
        raise RuntimeError(f"the receiver did not answer on {self.receiver_url} within {timeout:.0f} s; see "
                           f"{self.home / 'receiver.log'}")

    def send_webhook(self, event: str, payload: dict) -> int:
        """Post `payload` to this setup's receiver signed with its secret, as GitHub delivers it; the answer's status."""
        import urllib.request
        import uuid

        from tasks.webhooks.secrets import sign

        body = json.dumps(payload).encode()
        secret = self.webhook_secret_path.read_text(encoding="utf-8").strip()
        request = urllib.request.Request(f"{self.receiver_url}/github/webhook", data=body, method="POST", headers={
            "X-GitHub-Event": event, "X-GitHub-Delivery": str(uuid.uuid4()), "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(body, secret)})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status

    def _start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        with (self.home / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                    stdin=subprocess.DEVNULL, start_new_session=True)

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"the {name} exited with {process.returncode}; see {self.home / f'{name}.log'}")

    def stop(self) -> None:
        """The receiver, then the worker (which gives its running flow runs SIGTERM), each within 30 s."""
        for name in reversed(list(self.processes)):
            process = self.processes.pop(name)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


if __name__ == "__main__":
    from deployments.local_commands import main  # the command line: up and down

    sys.exit(main())
