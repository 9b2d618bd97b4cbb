"""`python -m deployments.blocks`: create or update the Prefect blocks and the GitHub concurrency limit that the
deployments in prefect.yaml name, from environment variables. Values are never printed.

Environment:
    GITHUB_TOKEN                      → Secret block (default name: github-token)
    WAREHOUSE_URL or DATABASE_URL     → SqlAlchemyConnector block (default name: warehouse), e.g.
                                        postgresql://etl:PASSWORD@db.example.com:5432/metrics
    READER_WAREHOUSE_URL              → SqlAlchemyConnector block (default name: warehouse-reader): a login in
                                        the read-only role `reporting`, for the publish deployment
    RECEIVER_WAREHOUSE_URL            → SqlAlchemyConnector block (default name: warehouse-receiver): a login in
                                        the role `webhook_receiver`, for the webhook receiver
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
                                      → AwsCredentials block (default name: aws); leave the keys unset to use
                                        the ECS task role
    LANDING_BUCKET, LANDING_FOLDER    → S3Bucket block for the raw landing zone (default name: landing)

The ECS push work pool is created once with Prefect's CLI (needs AWS credentials in the shell):

    prefect work-pool create --type ecs:push --provision-infrastructure delivery-ecs

It creates the ECS cluster, the IAM role and user, an ECR repository, and an AwsCredentials block for the pool.
"""

from __future__ import annotations

import argparse
import os
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
from prefect.exceptions import ObjectNotFound

from tasks.extract.tasks import GITHUB_LIMIT


def connection_components(url: str):
    """prefect-sqlalchemy ConnectionComponents from a postgresql:// URL (the password kept as a SecretStr)."""
    from prefect_sqlalchemy import ConnectionComponents, SyncDriver

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("WAREHOUSE_URL must be a postgresql:// URL")
    return ConnectionComponents(
        driver=SyncDriver.POSTGRESQL_PSYCOPG2, host=parts.hostname, port=parts.port or 5432,
        username=unquote(parts.username or ""), password=unquote(parts.password or "") or None,
        database=unquote(parts.path.lstrip("/")), query=dict(parse_qsl(parts.query)) or None,
    )


def save_blocks(names: argparse.Namespace, environ: dict[str, str] = os.environ) -> list[str]:
    """Create or update every block whose environment is set; return one line per block saved."""
    from prefect.blocks.system import Secret
    from prefect_aws import AwsCredentials, S3Bucket
    from prefect_sqlalchemy import SqlAlchemyConnector

    saved = []
    if environ.get("GITHUB_TOKEN"):
        Secret(value=environ["GITHUB_TOKEN"]).save(names.github_token_block, overwrite=True)
        saved.append(f"Secret block '{names.github_token_block}' (GitHub token)")
    logins = ((environ.get("WAREHOUSE_URL") or environ.get("DATABASE_URL"), names.warehouse_block, "warehouse"),
              (environ.get("READER_WAREHOUSE_URL"), names.reader_block, "warehouse, read-only login"),
              (environ.get("RECEIVER_WAREHOUSE_URL"), names.receiver_block, "warehouse, webhook receiver's login"))
    for url, block, what in logins:
        if url:
            SqlAlchemyConnector(connection_info=connection_components(url)).save(block, overwrite=True)
            saved.append(f"SqlAlchemyConnector block '{block}' ({what})")
    credentials = AwsCredentials(
        aws_access_key_id=environ.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY") or None,
        region_name=environ.get("AWS_REGION") or None,
    )
    if environ.get("AWS_ACCESS_KEY_ID") or environ.get("LANDING_BUCKET"):
        credentials.save(names.aws_credentials_block, overwrite=True)
        saved.append(f"AwsCredentials block '{names.aws_credentials_block}'")
    if environ.get("LANDING_BUCKET"):
        S3Bucket(bucket_name=environ["LANDING_BUCKET"], bucket_folder=environ.get("LANDING_FOLDER", ""),
                 credentials=credentials).save(names.landing_block, overwrite=True)
        saved.append(f"S3Bucket block '{names.landing_block}' (landing zone)")
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(GITHUB_LIMIT)
            client.update_global_concurrency_limit(GITHUB_LIMIT, GlobalConcurrencyLimitUpdate(limit=names.github_limit))
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=GITHUB_LIMIT,
                                                                                limit=names.github_limit))
    saved.append(f"global concurrency limit '{GITHUB_LIMIT}' = {names.github_limit} request(s) in flight")
    return saved


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deployments.blocks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--github-token-block", default="github-token", help="Secret block name")
    parser.add_argument("--warehouse-block", default="warehouse", help="SqlAlchemyConnector block name")
    parser.add_argument("--reader-block", default="warehouse-reader",
                        help="SqlAlchemyConnector block name of the read-only login (publish)")
    parser.add_argument("--receiver-block", default="warehouse-receiver",
                        help="SqlAlchemyConnector block name of the receiver's login")
    parser.add_argument("--aws-credentials-block", default="aws", help="AwsCredentials block name")
    parser.add_argument("--landing-block", default="landing", help="S3Bucket block name")
    parser.add_argument("--github-limit", type=int, default=1,
                        help="GitHub requests in flight across all runs sharing the token (GitHub asks for 1)")
    return parser


def main(argv: list[str] | None = None) -> int:
    for line in save_blocks(build_parser().parse_args(argv)):
        print(f"saved {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
