"""The task types built apart from the runner's own (server/tasks/runner.py all_kinds): reporter, exporter,
estimator and additional_extract. Some need the server's inference and events pipeline, so they are built from
the server context (server/services/tasks.py register)."""

from __future__ import annotations

from server.face_inference import FaceInference
from server.tasks.additional_extract import AdditionalExtract
from server.tasks.base import TaskKind
from server.tasks.estimator import Estimator
from server.tasks.exporter import Exporter
from server.tasks.reporter import Reporter


def more_kinds(inference: FaceInference | None, estimator_root: str) -> dict[int, TaskKind]:
    kinds: list[TaskKind] = [Reporter(), Exporter(), Estimator(inference, estimator_root), AdditionalExtract(inference)]
    return {kind.code: kind for kind in kinds}
