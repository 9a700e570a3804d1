"""Decoding with a pixel budget (inference/image.py): reduction while decoding, coordinate mapping, the budget."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import TracebackType

import numpy as np
import pytest
from PIL import Image

from inference.errors import ImageDecodeError
from inference.image import DecodeBudget, decode_image, decode_reduced, working_size

EXIF_ORIENTATION = 0x0112
WAIT_S = 10.0  # only ever waited out when the code under test is broken (a deadlock)
BLOCKED_S = 0.3  # how long a thread that must stay blocked is watched


def marked(size: tuple[int, int], square: tuple[int, int, int]) -> Image.Image:
    """A grey image with a red square (x, y, side)."""
    width, height = size
    pixels = np.full((height, width, 3), 128, np.uint8)
    x, y, side = square
    pixels[y : y + side, x : x + side] = (255, 0, 0)
    return Image.fromarray(pixels)


def encoded(image: Image.Image, image_format: str, **save: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, **save)
    return out.getvalue()


def red_centre(pixels: np.ndarray) -> tuple[float, float]:
    """Centre of the square (pixel-edge coordinates): where the red channel is far from the grey background
    (red is 255, or 76 once converted to grey)."""
    square = np.abs(pixels[:, :, 0].astype(np.int16) - 128) > 40
    ys, xs = np.nonzero(square)
    return float(xs.mean()) + 0.5, float(ys.mean()) + 0.5


# -- reduction and coordinates ---------------------------------------------------------------------------------


def test_working_size() -> None:
    assert working_size(4000, 3000, None) == (4000, 3000)
    assert working_size(4000, 3000, 12_000_000) == (4000, 3000)
    width, height = working_size(7999, 7999, 8_400_000)
    assert width * height <= 8_400_000 and width == height and width > 2890
    width, height = working_size(9000, 3000, 1_000_000)
    assert width * height <= 1_000_000 and abs(width / height - 3.0) < 0.01


@pytest.mark.parametrize(
    ("image_format", "mode"),
    [("PNG", "RGB"), ("PNG", "P"), ("PNG", "L"), ("PNG", "RGBA"), ("JPEG", "RGB"), ("BMP", "RGB"), ("TIFF", "RGB")],
)
def test_reduced_decode_maps_to_the_full_image(image_format: str, mode: str) -> None:
    image = marked((3001, 2001), (2000, 500, 200)).convert(mode)
    result = decode_reduced(encoded(image, image_format), work_pixels=400_000)
    height, width = result.pixels.shape[:2]
    assert width * height <= 400_000 and result.pixels.dtype == np.uint8 and result.pixels.shape[2] == 3
    assert result.original_size == (3001, 2001) and result.reduced
    assert abs(result.scale_x - 3001 / width) < 1e-9 and abs(result.scale_y - 2001 / height) < 1e-9
    x, y = red_centre(result.pixels)
    assert abs(x * result.scale_x - 2100) < 6 and abs(y * result.scale_y - 600) < 6


def test_jpeg_is_reduced_while_decoding() -> None:
    """An 8000 x 6000 JPEG reduced to 2 M pixels: libjpeg decodes it at 1/4 (draft) and the full-size
    pixels never exist; the result is the same picture."""
    data = encoded(marked((8000, 6000), (6000, 1000, 800)), "JPEG", quality=90)
    with Image.open(io.BytesIO(data)) as probe:
        probe.draft("RGB", working_size(8000, 6000, 2_000_000))
        assert probe.size == (2000, 1500)  # what decode_reduced asks libjpeg for: 1/4
    result = decode_reduced(data, work_pixels=2_000_000)
    assert result.pixels.shape[0] * result.pixels.shape[1] <= 2_000_000
    x, y = red_centre(result.pixels)
    assert abs(x * result.scale_x - 6400) < 8 and abs(y * result.scale_y - 1400) < 8


def test_orientation_is_applied_to_the_reduced_image() -> None:
    image = marked((4000, 2000), (0, 0, 2000))  # left half red
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6  # displayed rotated 90 degrees clockwise
    data = encoded(image, "JPEG", exif=exif.tobytes())
    result = decode_reduced(data, work_pixels=500_000)
    assert result.original_size == (2000, 4000)
    height, width = result.pixels.shape[:2]
    assert height > width
    assert result.pixels[height // 8, width // 2, 0] > 200 and result.pixels[7 * height // 8, width // 2, 0] < 180
    assert decode_reduced(data, work_pixels=500_000, orient=False).original_size == (4000, 2000)


def test_small_images_are_not_reduced() -> None:
    data = encoded(marked((640, 480), (10, 10, 20)), "PNG")
    result = decode_reduced(data, work_pixels=400_000)
    assert result.pixels.shape == (480, 640, 3) and not result.reduced
    assert np.array_equal(result.pixels, decode_image(data))


@pytest.mark.parametrize(
    "data",
    [
        encoded(marked((600, 400), (0, 0, 10)), "JPEG")[:-2000],  # truncated
        encoded(marked((600, 400), (0, 0, 10)), "PNG")[:-300],
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,
    ],
)
def test_truncated_and_garbage_images_are_refused(data: bytes) -> None:
    with pytest.raises(ImageDecodeError):
        decode_reduced(data, work_pixels=256 * 256)


def test_too_many_pixels_are_refused_before_decoding() -> None:
    data = encoded(Image.new("L", (9000, 9000)), "PNG", compress_level=1)
    budget = DecodeBudget(1)
    with pytest.raises(ImageDecodeError, match="too large"):
        decode_reduced(data, max_pixels=64_000_000, budget=budget)
    assert budget.peak == 0  # refused from the header: nothing was charged or decoded


def test_decodes_are_charged_to_the_budget() -> None:
    budget = DecodeBudget(10**9)
    decode_reduced(encoded(marked((3000, 2000), (0, 0, 10)), "PNG"), work_pixels=600_000, budget=budget)
    assert budget.peak >= 3000 * 2000 and budget.in_use == 0  # the full-size PNG buffer, released after


# -- the budget ------------------------------------------------------------------------------------------------


class Holder:
    """A thread that reserves `pixels` and holds them until released."""

    def __init__(self, budget: DecodeBudget, pixels: int, entered: Callable[[], None] | None = None) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self._hook = entered
        self.thread = threading.Thread(target=self._run, args=(budget, pixels), daemon=True)
        self.thread.start()

    def _run(self, budget: DecodeBudget, pixels: int) -> None:
        with budget.reserve(pixels):
            if self._hook is not None:
                self._hook()
            self.entered.set()
            self.release.wait(WAIT_S)

    def finish(self) -> None:
        self.release.set()
        self.thread.join(WAIT_S)
        assert not self.thread.is_alive()


def queued(budget: DecodeBudget, count: int) -> None:
    for _ in range(int(WAIT_S / 0.01)):
        if budget.waiting >= count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"{count} reservations never queued")


def test_budget_queues_what_does_not_fit() -> None:
    budget = DecodeBudget(100)
    first = Holder(budget, 60)
    assert first.entered.wait(WAIT_S)
    second = Holder(budget, 60)
    queued(budget, 1)
    assert not second.entered.wait(BLOCKED_S)  # 60 + 60 > 100: it waits
    small = Holder(budget, 30)
    queued(budget, 2)
    assert not small.entered.wait(BLOCKED_S)  # it would fit, but the queue is first come, first served
    first.finish()
    assert second.entered.wait(WAIT_S) and small.entered.wait(WAIT_S)
    assert budget.in_use == 90 and budget.peak <= 100
    second.finish()
    small.finish()
    assert budget.in_use == 0


def test_image_larger_than_the_budget_runs_alone() -> None:
    budget = DecodeBudget(100)
    alone = Holder(budget, 500)  # nothing else reserved: it runs at once (no deadlock)
    assert alone.entered.wait(WAIT_S)
    other = Holder(budget, 1)
    queued(budget, 1)
    assert not other.entered.wait(BLOCKED_S)
    alone.finish()
    assert other.entered.wait(WAIT_S)
    huge = Holder(budget, 500)  # waits for `other` to finish, then runs alone
    queued(budget, 1)
    assert not huge.entered.wait(BLOCKED_S)
    other.finish()
    assert huge.entered.wait(WAIT_S)
    huge.finish()
    assert budget.in_use == 0


def test_concurrent_decodes_never_exceed_the_budget() -> None:
    """Eight threads decode a 2000 x 2000 PNG (4 M pixels of decode buffer each) under a 10 M-pixel budget:
    at most two at a time; every decode completes."""
    data = encoded(marked((2000, 2000), (100, 100, 50)), "PNG")
    budget = DecodeBudget(10_000_000)
    lock = threading.Lock()
    inside = [0, 0]  # now, most
    errors: list[BaseException] = []

    real_reserve = budget.reserve

    def counting_reserve(pixels: int) -> AbstractContextManager[None]:
        class Counted:
            def __enter__(self) -> None:
                self.inner = real_reserve(pixels)
                self.inner.__enter__()
                with lock:
                    inside[0] += 1
                    inside[1] = max(inside[1], inside[0])

            def __exit__(
                self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
            ) -> None:
                with lock:
                    inside[0] -= 1
                self.inner.__exit__(kind, error, trace)

        return Counted()

    budget.reserve = counting_reserve  # type: ignore[method-assign, assignment]

    def work() -> None:
        try:
            result = decode_reduced(data, work_pixels=1_000_000, budget=budget)
            assert result.original_size == (2000, 2000)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and not any(thread.is_alive() for thread in threads)
    assert 1 <= inside[1] <= 2 and budget.peak <= 10_000_000 and budget.in_use == 0
