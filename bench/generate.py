"""The program at a million participants, in its own PostgreSQL database, repeatably from a seed.

    .venv/bin/python bench/generate.py                 # the full program into jakpreneur_bench_program
    .venv/bin/python bench/generate.py --small         # a hundredth of it, for a quick look (under a minute)
    .venv/bin/python bench/generate.py --seed 7 --database jakpreneur_bench_other

Migrates the database, empties every table of the program (the Jakarta geography stays), then loads the stages of
`bench/program` with a progress bar and prints each step's rows and time. The same seed and day give the same rows.
`bench/timing.py` and `bench/throughput.py` read the database it fills. Not part of the test suite; the suite
runs it small (`tests/test_bench_generator.py`) so it keeps up with the models.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE = "jakpreneur_bench_program"
KEPT = ("geography_wilayah", "geography_kecamatan", "geography_kelurahan", "django_migrations")


def prepare(database: str) -> None:
    """Creates and migrates the database, then points Django at it."""
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{database}", "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test"}
    host = SERVER.rsplit("@", 1)[-1].split(":")[0]
    subprocess.run(["createdb", "-h", host, "-U", "postgres", database], capture_output=True, check=False)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    import django

    django.setup()


def empty() -> None:
    """Every table of the program's apps, their history and the sessions; not the geography or Django's own."""
    from django.apps import apps
    from django.db import connection

    ours = {Path(app.path).name for app in apps.get_app_configs() if Path(app.path).parent == ROOT}
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if (model._meta.app_label in ours or model._meta.app_label in ("pghistory", "sessions", "axes"))
            and model._meta.db_table not in KEPT
            and not model._meta.proxy
            and model._meta.managed
        }
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="a hundredth of the program")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None, help="the day the data ends")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--stages", help="only these stages, comma-separated (each needs those before it)")
    parser.add_argument("--check", action="store_true", help="check every foreign key afterwards")
    args = parser.parse_args()
    started = time.monotonic()
    prepare(args.database)
    from bench.program.base import Sizes, check_references
    from bench.program.program import generate

    sizes = Sizes.small() if args.small else Sizes()
    print(f"filling {args.database} ({sizes.participants:,} participants, seed {args.seed})")
    empty()
    from bench.program.program import DERIVED, STAGES

    stages = tuple(args.stages.split(",")) if args.stages else STAGES + DERIVED
    program = generate(sizes, seed=args.seed, today=args.today, stages=stages)
    if args.check:
        broken = check_references(program.tables)
        print("foreign keys: " + ("; ".join(broken) if broken else "every one points to a row"))
        if broken:
            sys.exit(1)
    rows = sum(n for _name, n, _s in program.progress.steps)
    print(f"done: {rows:,} rows in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
