"""The landing zone in an S3 bucket, from a prefect-aws S3Bucket block (its bucket, folder and credentials)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class S3Store:
    bucket: str
    folder: str
    client: Any = field(repr=False)

    @classmethod
    def from_block(cls, name: str) -> "S3Store":
        from prefect_aws import S3Bucket

        return cls.from_s3_bucket(S3Bucket.load(name))

    @classmethod
    def from_s3_bucket(cls, block) -> "S3Store":
        return cls(block.bucket_name, (block.bucket_folder or "").strip("/"), block.credentials.get_client("s3"))

    def _key(self, key: str) -> str:
        return f"{self.folder}/{key}" if self.folder else key

    def write(self, key: str, data: bytes, content_type: str | None = None, cache_control: str | None = None) -> None:
        headers = {"ContentType": content_type} if content_type else {}
        if cache_control:
            headers["CacheControl"] = cache_control
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, **headers)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()

    def exists(self, key: str) -> bool:
        answer = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self._key(key), MaxKeys=1)
        return any(item["Key"] == self._key(key) for item in answer.get("Contents", []))

    def keys(self, prefix: str = "") -> list[str]:
        start = len(self.folder) + 1 if self.folder else 0
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                          Prefix=self._key(prefix)):
            found += [item["Key"][start:] for item in page.get("Contents", [])]
        return sorted(found)

    def delete_prefix(self, prefix: str) -> None:
        self.delete_keys(self.keys(prefix.rstrip("/") + "/"))

    def delete_keys(self, keys: list[str]) -> None:
        keys = [self._key(key) for key in keys]
        for start in range(0, len(keys), 1000):
            self.client.delete_objects(Bucket=self.bucket,
                                       Delete={"Objects": [{"Key": key} for key in keys[start:start + 1000]]})

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def describe(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{self._key(key)}"
