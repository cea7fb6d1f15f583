from collections.abc import Iterator

import pytest

from notifications import backends
from notifications.tests.backends import FlakyBackend


@pytest.fixture(autouse=True)
def _empty_memory_outbox() -> Iterator[None]:
    backends.outbox.clear()
    FlakyBackend.failed.clear()
    yield
    backends.outbox.clear()
