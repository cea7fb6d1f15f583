from collections.abc import Iterator

import pytest

from notifications import backends
from notifications.tests.backends import FlakyBackend, KeyRecordingBackend


@pytest.fixture(autouse=True)
def _empty_memory_outbox() -> Iterator[None]:
    backends.outbox.clear()
    FlakyBackend.failed.clear()
    KeyRecordingBackend.keys.clear()
    yield
    backends.outbox.clear()
