"""The whole program's load: the stages in order, each a module of this package with `load(program)`."""

from __future__ import annotations

import datetime
import importlib
import time

from django.contrib.auth.hashers import make_password

from .base import Loader, Progress, Sizes, check_references

NIK = "3171014101900001"  # every generated participant's NIK (Gambir, a woman born 1 January 1990)

# Each stage reads what the stages before it wrote (the plan first); a stage never writes another's tables.
STAGES = (
    "people",
    "partners",
    "training",
    "mentoring",
    "licensing",
    "marketing",
    "finance",
    "capital",
    "feedback",
    "notifications",
    "history",
)
# after the indexes are made: what is computed from the loaded rows by the portal's own code
DERIVED = ("derived",)
PASSWORD = "bench-password"  # every generated user's; the throughput benchmark logs in with it


class Program(Loader):
    """The loader with the id layout of `people` (participant i is user, business and registration i; mentor j
    is user P + 1 + j) and the blocks of user ids handed to each kind of staff."""

    def __init__(self, sizes: Sizes, seed: int, today: datetime.date, progress: Progress) -> None:
        super().__init__(sizes, seed, today, progress)
        self.blocks: dict[str, tuple[int, int]] = {}
        self.next_user = sizes.participants + sizes.mentors + 1
        self.password = make_password(PASSWORD)
        from core.crypto import encrypt

        self.nik_token = encrypt(NIK)  # every generated participant's NIK ciphertext

    def mentor_user(self, j: int) -> int:
        return self.sizes.participants + 1 + j

    def secretary(self, plan: str) -> str:
        """SQL: a secretariat user of the kecamatan of the plan row aliased `plan` (one of two, by the row)."""
        from .people import SECRETARIES_PER_KECAMATAN

        return (
            f"{self.user_block('secretariat')} + {plan}.kidx"
            f" + 44 * bench_n({plan}.i, {self.salt('secretary')}, {SECRETARIES_PER_KECAMATAN})"
        )

    def user_block(self, name: str, count: int | None = None) -> int:
        """The first user id of a named block of `count` users (given the first time the block is asked for)."""
        if name not in self.blocks:
            if count is None:
                raise KeyError(f"no user block {name!r} yet")
            self.blocks[name] = (self.next_user, count)
            self.next_user += count
        return self.blocks[name][0]


def generate(
    sizes: Sizes,
    *,
    seed: int = 1,
    today: datetime.date | None = None,
    quiet: bool = False,
    stages: tuple[str, ...] = STAGES + DERIVED,
) -> Program:
    """Fills the connected database (the caller empties it first) with the named stages (all, in order, unless
    told; a stage needs those before it). Returns the program, its steps timed."""
    progress = Progress(quiet)
    program = Program(sizes, seed, today or datetime.date.today(), progress)
    program.begin()
    try:
        for stage in (s for s in STAGES if s in stages):
            importlib.import_module(f"bench.program.{stage}").load(program)
    finally:
        program.end()
    program.finish()
    for stage in (s for s in DERIVED if s in stages):
        importlib.import_module(f"bench.program.{stage}").load(program)
    program.analyze()
    started = time.monotonic()
    program.execute("DROP TABLE IF EXISTS bench_plan")
    progress.done("plan dropped", 0, started)
    return program


__all__ = ["PASSWORD", "Program", "Sizes", "check_references", "generate"]
