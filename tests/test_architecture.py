"""The house rules that hold the architecture together (docs/ARCHITECTURE.md): apps import downward only, services
take values (never forms), and every service that is told who acts records it in the audit trail."""

import ast
import importlib
import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
SKIP = [".venv", ".git", "var", "staticfiles", "test-artifacts", "node_modules", "__pycache__", "*_cache", "locale"]


def project_apps() -> list[str]:
    return [config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT]


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_layers_contract_lists_every_app_of_the_project() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layered = {name.strip() for layer in config["contracts"][0]["layers"] for name in layer.split("|")}
    assert set(config["root_packages"]) == layered
    assert set(project_apps()) | {"jakpreneur"} == layered


def test_apps_import_downward_only() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "backward_import"),
    [
        ("core/decisions.py", "import accounts.models"),
        ("registration/selectors.py", "from training import models as _training"),
        ("notifications/models.py", "from accounts import models as _accounts"),
        ("mentoring/selectors.py", "import finance.models"),
    ],
)
def test_a_backward_import_breaks_the_contract(tmp_path: Path, module: str, backward_import: str) -> None:
    """The check is not vacuous: the same tree with one upward import fails it."""
    tree = tmp_path / "src"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(*SKIP))
    path = tree / module
    path.write_text(path.read_text() + f"\n{backward_import}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def service_modules() -> list[Path]:
    return sorted(path for app in project_apps() for path in (ROOT / app).glob("services*.py")) + sorted(
        path for app in project_apps() for path in (ROOT / app).glob("services/*.py")
    )


def test_there_are_service_modules_to_check() -> None:
    assert len(service_modules()) >= 5


@pytest.mark.parametrize("path", service_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_service_imports_a_form(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or "", *(alias.name for alias in node.names)]
        assert not any(
            name == "forms" or name.endswith(".forms") or name.startswith("django.forms") for name in names
        ), f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')} imports forms"


@pytest.mark.parametrize("path", service_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_service_told_who_acts_records_it(path: Path) -> None:
    module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    module = importlib.import_module(module_name)
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or function.__module__ != module_name:
            continue
        if "acting_user" in inspect.signature(function).parameters:
            assert getattr(function, "audited", False), f"{module_name}.{name} takes acting_user but is not @audited"


REGISTERED_AT_SETUP = """
import importlib, json, pkgutil, sys
import django
django.setup()
from django.apps import apps
from jakpreneur.celery import app
at_setup = set(app.tasks)
missing = []
for name in json.loads(sys.argv[1]):
    if importlib.util.find_spec(f"{name}.tasks") is None:
        continue
    before = set(app.tasks)
    importlib.import_module(f"{name}.tasks")
    missing += sorted(set(app.tasks) - before - at_setup)
print(json.dumps(missing))
"""


def test_every_task_is_registered_once_django_is_set_up() -> None:
    """A web process never runs Celery's autodiscovery (only a worker does), and services queue tasks by name after
    a commit (`current_app.tasks[NAME]`): each app imports its tasks in `ready()`, or the first queueing is a
    KeyError. Checked in a fresh process, where nothing else has imported the modules."""
    found = subprocess.run(
        [sys.executable, "-c", REGISTERED_AT_SETUP, json.dumps(project_apps())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test"},
    )
    assert json.loads(found.stdout) == []
