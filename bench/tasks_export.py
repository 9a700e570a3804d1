"""Tasks exporter and reporter: the task machinery vs a plain loop writing the same CSV and ZIP.

    python -m bench.tasks_export [--faces 20000] [--samples 2000] [--workers 2]

In-process (no REST, no models): a Storage in a temporary directory with `--faces` faces of one account, each with
basic attributes and user data, the first `--samples` with a stored face sample (a 250x250 JPEG warp), their
synthetic descriptors (groups of 20) in the matching index; a TaskRunner (server/tasks/runner.py) with the types of
server/tasks/more.py. Runs
  1. exporter, faces, default columns, no images; vs a plain loop (one SQL query joining faces and attributes,
     the csv module, zipfile) producing the same CSV rows;
  2. exporter with save_images=1 (the ZIP carries the samples); vs the plain loop adding the same files;
  3. clustering then reporter (columns user_data, gender) with the samples.
Prints one JSON document: wall times, faces/s, ratio task / plain (the rest is overhead), ZIP sizes, and the peak
RSS of the process. The CSVs of the task and of the plain loop must be equal.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import platform
import resource
import tempfile
import time
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from bench.tasks import populate, run_task, synthetic
from server.matching.live import MatchingIndexes
from server.services.blob_resources import FACE_SAMPLES
from server.storage.repositories.attributes import AttributeData
from server.storage.repositories.tasks import TaskRepository
from server.storage.store import Storage
from server.tasks import export
from server.tasks.more import more_kinds
from server.tasks.runner import TaskRunner, all_kinds


def warp(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (250, 250), (shade % 256, 255 - shade % 256, 90)).save(out, format="JPEG", quality=90)
    return out.getvalue()


def attach(storage: Storage, account: str, face_ids: list[str], samples: int) -> dict[str, str]:
    """Basic attributes and user data for every face, a stored sample for the first `samples`."""
    sample_of: dict[str, str] = {}
    for number, face_id in enumerate(face_ids[:samples]):
        sample_id = str(uuid.uuid4())
        storage.put_blob(FACE_SAMPLES.bucket, sample_id, account, "image/jpeg", warp(number))
        sample_of[face_id] = sample_id
    with storage.write() as batch:
        for number, face_id in enumerate(face_ids):
            storage.faces.update(batch, face_id, {"user_data": f"person {number // 20}"})
            sample = sample_of.get(face_id)
            data = AttributeData(
                basic_attributes={"age": 20 + number % 50, "gender": number % 2, "ethnicity": 1 + number % 4},
                basic_attributes_samples=[sample] if sample else [],
            )
            storage.faces.set_attribute(batch, face_id, account, data, replacing=False)
    return sample_of


def plain_export(storage: Storage, account: str, with_images: bool) -> tuple[str, bytes]:
    """The same CSV (default face columns) and ZIP in one loop over one SQL query."""
    columns = export.DEFAULT_FACE_COLUMNS
    rows = storage.db.query(
        "SELECT f.*, a.basic_attributes, a.basic_attributes_samples, a.face_descriptor_samples, "
        "(SELECT group_concat(list_id) FROM list_faces l WHERE l.face_id = f.face_id) AS lists "
        "FROM faces f LEFT JOIN face_attributes a ON a.face_id = f.face_id WHERE f.account_id = ? ORDER BY f.face_id",
        (account,),
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    images: list[str] = []
    for row in rows:
        basic = json.loads(str(row["basic_attributes"])) if row["basic_attributes"] else {}
        samples = list(
            dict.fromkeys(
                [
                    *json.loads(str(row["face_descriptor_samples"] or "[]")),
                    *json.loads(str(row["basic_attributes_samples"] or "[]")),
                ]
            )
        )
        images.extend(samples)
        values = {**row, **{k: basic.get(k) for k in ("gender", "age", "ethnicity")}, "samples": ",".join(samples)}
        writer.writerow(["" if values.get(c) is None else str(values[c]) for c in columns])
    text = out.getvalue()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("faces.csv", text)
        for sample_id in images if with_images else []:
            data = storage.blobs.get(FACE_SAMPLES.bucket, sample_id)
            if data is not None:
                archive.writestr(f"images/{sample_id}.jpg", data, compress_type=zipfile.ZIP_STORED)
    return text, packed.getvalue()


def task_zip(tasks: TaskRepository, task_id: int) -> bytes:
    row = tasks.get(task_id)
    assert row is not None and row["result_id"] is not None
    stored = tasks.result(row["result_id"])
    assert stored is not None and stored[0] == export.ZIP_TYPE
    return stored[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--faces", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    vectors, _ = synthetic(args.faces, 20)
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        storage = Storage(Path(tmp))
        storage.recover()
        matching = MatchingIndexes()
        account, face_ids = populate(storage, matching, vectors)
        attach(storage, account, face_ids, args.samples)
        tasks = TaskRepository(Path(tmp))
        runner = TaskRunner(storage, matching, tasks, args.workers)
        runner.kinds = {**all_kinds(), **more_kinds(None, "")}
        runner.start()
        for name, with_images in (("exporter", False), ("exporter_images", True)):
            content = {"objects_type": "faces", "save_images": int(with_images)}
            task_id, task_s = run_task(runner, tasks, account, 8, content)
            archive = task_zip(tasks, task_id)
            start = time.perf_counter()
            plain_csv, plain_zip = plain_export(storage, account, with_images)
            plain_s = time.perf_counter() - start
            task_csv = zipfile.ZipFile(io.BytesIO(archive)).read("faces.csv").decode()
            report[name] = {
                "task_s": round(task_s, 3),
                "plain_s": round(plain_s, 3),
                "ratio": round(task_s / plain_s, 2),
                "faces_per_s": round(args.faces / task_s),
                "zip_mb": round(len(archive) / 2**20, 2),
                "plain_zip_mb": round(len(plain_zip) / 2**20, 2),
                "same_csv_as_plain": task_csv == plain_csv,
            }
        clustering_id, clustering_s = run_task(runner, tasks, account, 2, {"objects_type": "faces"})
        reporter = {"filters": {"task_id": clustering_id}, "columns": ["user_data", "gender"], "save_images": 1}
        reporter_id, reporter_s = run_task(runner, tasks, account, 3, reporter)
        report["reporter"] = {
            "clustering_s": round(clustering_s, 3),
            "task_s": round(reporter_s, 3),
            "faces_per_s": round(args.faces / reporter_s),
            "zip_mb": round(len(task_zip(tasks, reporter_id)) / 2**20, 2),
        }
        runner.stop()
    print(
        json.dumps(
            {
                "benchmark": "tasks_export",
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": platform.platform(),
                "faces": args.faces,
                "samples": args.samples,
                "workers": args.workers,
                **report,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
