"""Deployment: the image and the compose stack name only real things, and production settings are safe to run.

No Docker engine runs where these tests run, so they read the Dockerfile, .dockerignore and docker-compose.yml and
check what those files name against the code: executables, modules, the Celery app and scheduler, management
commands and their options, copied files, volumes and environment variables. Where it can be done without Docker
they run the real thing: the build's collectstatic step on a copy of the build context, `manage.py check --deploy`,
the image's gunicorn command probed by the image's HEALTHCHECK (its settings read by gunicorn's own loading of
deploy/gunicorn.conf.py, its master checked for the preloaded portal), the worker's and beat's compose health checks,
and, where nginx is installed, deploy/nginx.conf in front of one gunicorn worker that a stalled upload must not hold.
"""

from __future__ import annotations

import ast
import http.client
import ipaddress
import json
import os
import posixpath
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import chdir, contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.beat import Scheduler, beat_nodename
from celery.bin.celery import celery as celery_cli
from celery.utils.imports import symbol_by_name
from celery.utils.nodenames import default_nodename
from celery.worker.control import Panel
from click import Command, Option
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import CommandError, get_commands, load_command_class
from django.urls import Resolver404, resolve
from gunicorn.app.wsgiapp import WSGIApplication
from gunicorn.config import Config as GunicornConfig
from gunicorn.util import import_app
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.servers import current_database_url, free_port, stop_process_group, throwaway_redis, wait_until

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtualenv running this suite (.venv/bin): gunicorn, celery, python
PRODUCTION_SETTINGS = "jakpreneur.settings.production"
EXECUTABLES = {"gunicorn", "celery", "python"}  # what requirements.txt puts on the image's PATH for the portal
SERVICES = ("postgres", "redis", "web", "worker", "beat")

# What an operator supplies (in .env or the shell) for the compose file's required substitutions.
OPERATOR_VARIABLES = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "POSTGRES_PASSWORD": secrets.token_hex(24),
    "NIK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "NIK_HASH_KEY": secrets.token_hex(32),
}


# --- The Dockerfile ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


@dataclass
class Image:
    """What the Dockerfile's final image is: base, environment, user, commands, and the steps that build it."""

    base: str = ""
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    user: str | None = None
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] | None = None
    healthcheck_options: dict[str, str] = field(default_factory=dict)
    copies: list[list[str]] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    exposed: list[str] = field(default_factory=list)


def dockerfile_instructions() -> list[Instruction]:
    """The Dockerfile's instructions with continuation lines joined; comments and blank lines dropped."""
    instructions = []
    logical = ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # Docker drops comment and blank lines inside continued instructions too
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        keyword, _, arguments = (logical + line).partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
        logical = ""
    assert not logical, f"the Dockerfile ends inside a continued instruction: {logical}"
    return instructions


def exec_form(instruction: Instruction) -> list[str]:
    assert instruction.arguments.startswith("["), (
        f"{instruction.keyword} {instruction.arguments}: use the exec form [...], so that the process runs as PID 1 "
        "and receives SIGTERM on `docker stop`"
    )
    argv = json.loads(instruction.arguments)
    assert isinstance(argv, list), instruction
    assert all(isinstance(word, str) for word in argv), instruction
    return argv


@cache
def image() -> Image:
    result = Image()
    for instruction in dockerfile_instructions():
        match instruction.keyword:
            case "FROM":
                result.base = instruction.arguments.split()[0]
            case "ENV":
                for assignment in shlex.split(instruction.arguments):
                    name, equals, value = assignment.partition("=")
                    assert equals, f"ENV {instruction.arguments}: write NAME=value"
                    result.env[name] = value
            case "WORKDIR":
                result.workdir = posixpath.join(result.workdir, instruction.arguments)
            case "USER":
                result.user = instruction.arguments
            case "ENTRYPOINT":
                result.entrypoint = exec_form(instruction)
            case "CMD":
                result.cmd = exec_form(instruction)
            case "HEALTHCHECK":
                match = re.fullmatch(r"((?:--[a-z-]+=\S+\s+)*)CMD\s+(\[.*\])", instruction.arguments, re.DOTALL)
                assert match, f"HEALTHCHECK {instruction.arguments}: expected [--option=value ...] CMD [...]"
                result.healthcheck_options = dict(option[2:].split("=", 1) for option in match[1].split())
                result.healthcheck = exec_form(Instruction("HEALTHCHECK", match[2]))
            case "COPY" | "ADD":
                result.copies.append([instruction.keyword, *shlex.split(instruction.arguments)])
            case "RUN":
                result.runs.append(instruction.arguments)
            case "EXPOSE":
                result.exposed += instruction.arguments.split()
    return result


def seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)", duration)
    assert match, f"not a Docker duration: {duration}"
    return float(match[1]) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match[2]]


# --- The build context (.dockerignore) --------------------------------------------------------------------------


@dataclass(frozen=True)
class IgnorePattern:
    regex: re.Pattern[str]
    exception: bool


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's .dockerignore matching: `**` spans directories, `*` and `?` stay inside one path element."""
    parts, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        elif pattern[index] == "[" and "]" in pattern[index:]:
            end = pattern.index("]", index)
            parts.append(pattern[index : end + 1])
            index = end + 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts))


@cache
def dockerignore() -> tuple[IgnorePattern, ...]:
    patterns = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = posixpath.normpath(line.removeprefix("!").strip()).lstrip("/")
        patterns.append(IgnorePattern(pattern_regex(pattern), exception))
    return tuple(patterns)


def excluded(path: str) -> bool:
    """Whether Docker leaves `path` (relative to the context, with slashes) out of the build context."""
    elements = path.split("/")
    prefixes = ["/".join(elements[: count + 1]) for count in range(len(elements))]
    result = False
    for pattern in dockerignore():  # the last matching pattern decides; a match on a parent directory counts
        if any(pattern.regex.fullmatch(prefix) for prefix in prefixes):
            result = not pattern.exception
    return result


@cache
def build_context() -> frozenset[str]:
    """Every file Docker sends as the build context: the working tree less what .dockerignore excludes."""
    files: set[str] = set()
    for directory, dirnames, filenames in os.walk(ROOT):
        relative = Path(directory).relative_to(ROOT).as_posix()
        prefix = "" if relative == "." else relative + "/"
        dirnames[:] = [name for name in dirnames if not excluded(prefix + name)]
        files.update(prefix + name for name in filenames if not excluded(prefix + name))
    return frozenset(files)


def in_build_context(path: str) -> bool:
    path = posixpath.normpath(path).lstrip("/")
    if path == ".":
        return bool(build_context())
    return path in build_context() or any(name.startswith(path + "/") for name in build_context())


# --- docker-compose.yml -----------------------------------------------------------------------------------------


class MissingVariableError(Exception):
    """A required ${NAME:?message} substitution had no value: compose refuses to start."""


SUBSTITUTION = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))")
BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:?[-?+])(?P<argument>.*))?", re.DOTALL)


def interpolate(value: Any, variables: Mapping[str, str]) -> Any:
    """Compose's variable substitution: $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, $$."""

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return variables.get(match["named"], "")
        braced = BRACED.fullmatch(match["braced"])
        assert braced, f"unsupported substitution ${{{match['braced']}}}"
        name, operator, argument = braced["name"], braced["operator"], braced["argument"]
        current = variables.get(name)
        if operator in (":?", "?") and (current is None or (operator == ":?" and not current)):
            raise MissingVariableError(f"{name}: {argument}")
        if operator == ":-":
            return current or argument
        if operator == "-":
            return argument if current is None else current
        if operator == ":+":
            return argument if current else ""
        if operator == "+":
            return "" if current is None else argument
        return current or ""

    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if isinstance(value, str):
        return SUBSTITUTION.sub(substitute, value)
    return value


@cache
def compose_document() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(document, dict), "docker-compose.yml is not a mapping"
    return document


def compose(variables: Mapping[str, str] = OPERATOR_VARIABLES) -> dict[str, Any]:
    interpolated: dict[str, Any] = interpolate(compose_document(), variables)
    return interpolated


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def portal_services() -> dict[str, dict[str, Any]]:
    """The services that run this project's image (built from the Dockerfile beside the compose file)."""
    return {name: service for name, service in services().items() if "build" in service}


def words(value: str | list[str]) -> list[str]:
    return shlex.split(value) if isinstance(value, str) else [str(word) for word in value]


def service_command(service: Mapping[str, Any]) -> list[str]:
    """The argv a portal service's container runs: compose's entrypoint/command over the image's."""
    if "entrypoint" in service:
        return words(service["entrypoint"]) + words(service.get("command") or [])
    command = words(service["command"]) if "command" in service else image().cmd
    return [*image().entrypoint, *command]


def service_environment(
    service: Mapping[str, Any], variables: Mapping[str, str] = OPERATOR_VARIABLES
) -> dict[str, str]:
    """A portal container's environment: the image's ENV, then compose's `environment` (bare names pass through)."""
    environment = dict(image().env) if "build" in service else {}
    declared = service.get("environment") or {}
    if isinstance(declared, list):
        declared = dict(item.split("=", 1) if "=" in item else (item, None) for item in declared)
    for name, value in declared.items():
        if value is not None:
            environment[name] = "true" if value is True else "false" if value is False else str(value)
        elif name in variables:
            environment[name] = variables[name]
    return environment


def expand_shell(script: str, environment: Mapping[str, str]) -> list[str]:
    """A CMD-SHELL health check as the argv sh would run: $NAME/${NAME} expanded, no pipes or lists."""
    expanded = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda match: environment.get(match[1], ""), script)
    argv = shlex.split(expanded)
    assert not {"&&", "||", ";", "|"} & set(argv), f"health check runs more than one command: {script}"
    return argv


def service_healthcheck(service: Mapping[str, Any], environment: Mapping[str, str]) -> list[str] | None:
    """The argv a service's health check runs (its own, else the image's HEALTHCHECK); None when it has none."""
    check = service.get("healthcheck") or {}
    if check.get("disable"):
        return None
    if "test" not in check:
        inherited = image().healthcheck if "build" in service else None
        return list(inherited) if inherited else None
    test = ["CMD-SHELL", check["test"]] if isinstance(check["test"], str) else check["test"]
    kind, *rest = test
    if kind == "NONE":
        return None
    if kind == "CMD":
        return [str(word) for word in rest]
    assert kind == "CMD-SHELL", f"unknown health check form {test}"
    return expand_shell(rest[0], environment)


def container_environment(service: Mapping[str, Any]) -> dict[str, str]:
    """What a health check sees inside the container: the service's environment plus Docker's HOSTNAME."""
    return {**service_environment(service), "HOSTNAME": socket.gethostname()}


# --- Checking that a command names real things ------------------------------------------------------------------


def click_options(command: Command) -> dict[str, Option]:
    return {
        name: parameter
        for parameter in command.params
        if isinstance(parameter, Option)
        for name in (*parameter.opts, *parameter.secondary_opts)
    }


def takes_value(option: Option) -> bool:
    return not (option.is_flag or option.count)


def check_gunicorn(arguments: list[str]) -> None:
    parser = GunicornConfig().parser()
    try:
        parsed = parser.parse_args(arguments)
    except SystemExit:
        pytest.fail(f"gunicorn rejects the arguments {arguments}")
    assert len(parsed.args) == 1, f"gunicorn needs exactly one WSGI application, got {parsed.args}"
    application = import_app(parsed.args[0])
    assert callable(application), f"{parsed.args[0]} is not a WSGI callable"
    if parsed.config:
        assert in_build_context(parsed.config), f"gunicorn --config {parsed.config}: not in the image"
        gunicorn_settings(["gunicorn", *arguments], image().env)  # gunicorn loads it


@contextmanager
def environ(variables: Mapping[str, str]) -> Iterator[None]:
    """os.environ is exactly `variables` for a while (gunicorn's config file reads the container's)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(variables)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def gunicorn_settings(argv: list[str], environment: Mapping[str, str]) -> GunicornConfig:
    """The settings gunicorn runs argv with in a container whose environment is `environment`, by gunicorn's own
    loading: the --config file (run in that environment, from the image's WORKDIR, which holds this checkout's
    build context), then GUNICORN_CMD_ARGS, then the command line."""
    assert argv[0] == "gunicorn", argv
    saved_argv = sys.argv
    sys.argv = list(argv)
    try:
        with environ(environment), chdir(ROOT):
            return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]", prog="gunicorn").cfg
    finally:
        sys.argv = saved_argv


def web_environment(**variables: str) -> dict[str, str]:
    """The web container's environment when the operator also sets `variables` (compose passes them through)."""
    return service_environment(
        compose({**OPERATOR_VARIABLES, **variables})["services"]["web"], {**OPERATOR_VARIABLES, **variables}
    )


def check_celery(arguments: list[str]) -> None:
    global_options = click_options(celery_cli)
    index, app_name = 0, None
    while index < len(arguments) and arguments[index].startswith("-"):
        name, equals, value = arguments[index].partition("=")
        assert name in global_options, f"celery has no global option {name}"
        if takes_value(global_options[name]) and not equals:
            index += 1
            value = arguments[index]
        if name in ("-A", "--app"):
            app_name = value
        index += 1
    assert app_name, f"celery {arguments}: name the app with -A"
    app = find_app(app_name)
    assert isinstance(app, Celery), f"-A {app_name} does not find a Celery app"
    assert app.main == "jakpreneur", f"-A {app_name} finds the Celery app {app.main!r}"

    assert index < len(arguments), f"celery {arguments}: no subcommand"
    subcommand = arguments[index]
    assert subcommand in celery_cli.commands, f"celery has no subcommand {subcommand!r}"
    options = click_options(celery_cli.commands[subcommand])
    rest, positionals, values = arguments[index + 1 :], [], {}
    position = 0
    while position < len(rest):
        token = rest[position]
        if token.startswith("-"):
            name, equals, value = token.partition("=")
            assert name in options, f"`celery {subcommand}` has no option {name}"
            option = options[name]
            if takes_value(option) and not equals:
                position += 1
                value = rest[position]
            values[option.name] = value
        else:
            positionals.append(token)
        position += 1

    if "scheduler" in values:
        scheduler = symbol_by_name(values["scheduler"])
        assert isinstance(scheduler, type), f"{values['scheduler']} is not a class"
        assert issubclass(scheduler, Scheduler), f"{values['scheduler']} is not a Celery beat scheduler"
    if "loglevel" in values:
        assert values["loglevel"].upper() in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "FATAL"}
    if subcommand == "inspect":
        assert positionals, "celery inspect: which command?"
        assert positionals[0] in Panel.meta, f"celery inspect has no command {positionals[0]!r}"
        assert Panel.meta[positionals[0]].type == "inspect", f"{positionals[0]} is a control, not an inspect command"


def check_python(arguments: list[str]) -> None:
    if arguments[:1] == ["-c"]:
        compile(arguments[1], "<python -c>", "exec")
        return
    assert arguments[:1] == ["manage.py"], f"python {arguments}: expected manage.py <command> or -c <code>"
    assert in_build_context("manage.py"), "manage.py is not in the build context"
    assert len(arguments) > 1, "manage.py without a command"
    name, options = arguments[1], arguments[2:]
    commands = get_commands()
    assert name in commands, f"manage.py has no command {name!r}"
    parser = load_command_class(commands[name], name).create_parser("manage.py", name)
    try:
        parser.parse_args(options)
    except (CommandError, SystemExit) as error:
        pytest.fail(f"manage.py {name} rejects {options}: {error}")


def check_command(argv: list[str]) -> None:
    """Fail unless argv runs gunicorn, celery or python on a module, app or management command that exists."""
    assert argv, "an empty command"
    executable, *arguments = argv
    assert executable in EXECUTABLES, f"{argv} runs {executable!r}; the image provides {sorted(EXECUTABLES)}"
    checks: dict[str, Callable[[list[str]], None]] = {
        "gunicorn": check_gunicorn,
        "celery": check_celery,
        "python": check_python,
    }
    checks[executable](arguments)


def option_value(argv: list[str], *names: str) -> str | None:
    for index, token in enumerate(argv):
        name, equals, value = token.partition("=")
        if name in names:
            return value if equals else argv[index + 1]
    return None


# --- Running things as the container would ----------------------------------------------------------------------


def process_environment(variables: Mapping[str, str]) -> dict[str, str]:
    """A container-like environment: this virtualenv on PATH, nothing inherited but HOME, then `variables`."""
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        **variables,
    }


def production_environment(**overrides: str | None) -> dict[str, str]:
    """Production settings with every required variable set; an override of None unsets that variable."""
    variables = {
        "DJANGO_SETTINGS_MODULE": PRODUCTION_SETTINGS,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://jakpreneur:not-a-real-password@postgres:5432/jakpreneur",
        "REDIS_URL": "redis://redis:6379/0",
        "NIK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "NIK_HASH_KEY": secrets.token_hex(32),
    }
    for name, value in overrides.items():
        if value is None:
            variables.pop(name, None)
        else:
            variables[name] = value
    return process_environment(variables)


def run(
    argv: list[str], environment: Mapping[str, str], *, cwd: Path = ROOT, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=dict(environment), capture_output=True, text=True, timeout=timeout)


def final_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


@contextmanager
def started(argv: list[str], environment: Mapping[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """argv running in its own process group, output to `log`; stopped (SIGTERM, then SIGKILL) on exit."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=dict(environment), stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        stop_process_group(process)


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-6000:] if log.exists() else "(no output)"


# === Tests: docker-compose.yml ==================================================================================


def test_compose_file_is_yaml_with_the_five_services() -> None:
    document = compose_document()

    assert set(SERVICES) <= set(document.get("services", {})), f"services: {sorted(document.get('services', {}))}"
    assert document["services"]["postgres"]["image"] == "postgres:15"
    assert document["services"]["redis"]["image"] == "redis:7"


def test_web_worker_and_beat_run_the_portal_image() -> None:
    portal = portal_services()

    assert {"web", "worker", "beat"} <= set(portal)
    for name, service in portal.items():
        build = service["build"]
        context = build if isinstance(build, str) else build.get("context", ".")
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (ROOT / context).resolve() == ROOT, f"{name} builds from {context}, not this project"
        assert dockerfile == "Dockerfile", f"{name} builds {dockerfile}"


@pytest.mark.parametrize("name", ["web", "worker", "beat", "migrate"])
def test_every_portal_service_command_exists(name: str) -> None:
    service = services().get(name)
    assert service is not None, f"no {name} service"

    check_command(service_command(service))


def test_web_serves_the_wsgi_application_with_gunicorn() -> None:
    argv = service_command(services()["web"])

    assert argv[0] == "gunicorn", argv
    assert "jakpreneur.wsgi:application" in argv or "jakpreneur.wsgi" in argv, argv
    assert gunicorn_settings(argv, service_environment(services()["web"])).bind == ["0.0.0.0:8000"], argv


def test_worker_and_beat_run_the_jakpreneur_celery_app() -> None:
    worker = service_command(services()["worker"])
    beat = service_command(services()["beat"])

    assert worker[0] == "celery" and option_value(worker, "-A", "--app") == "jakpreneur", worker
    assert "worker" in worker, worker
    assert beat[0] == "celery" and option_value(beat, "-A", "--app") == "jakpreneur", beat
    assert "beat" in beat, beat
    assert option_value(beat, "--scheduler", "-S") == "django_celery_beat.schedulers:DatabaseScheduler", beat


def test_only_the_beat_service_schedules_and_it_runs_once() -> None:
    for name, service in portal_services().items():
        argv = service_command(service)
        if name != "beat":
            assert "beat" not in argv and "-B" not in argv and "--beat" not in argv, f"{name} also schedules: {argv}"
    beat = services()["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1


def test_migrations_run_before_the_portal_starts() -> None:
    portal = portal_services()
    migrating = [
        name for name, service in portal.items() if service_command(service)[:3] == ["python", "manage.py", "migrate"]
    ]
    assert migrating, "no service runs `manage.py migrate`"
    migrate = migrating[0]

    assert portal[migrate].get("restart", "no") == "no", "the migrate step runs once"
    assert portal[migrate]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends_on = portal[name]["depends_on"]
        assert depends_on[migrate]["condition"] == "service_completed_successfully", name
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


def test_postgres_and_redis_have_health_checks_and_stay_private() -> None:
    for name in ("postgres", "redis"):
        service = services()[name]
        argv = service_healthcheck(service, {"POSTGRES_USER": "jakpreneur", "POSTGRES_DB": "jakpreneur"})
        assert argv, f"{name} has no health check"
        assert argv[0] == {"postgres": "pg_isready", "redis": "redis-cli"}[name], argv
        assert "ports" not in service, f"{name} is published on the host"


def test_every_portal_service_runs_production_settings() -> None:
    # manage.py and jakpreneur/celery.py fall back to the *local* settings (embedded PostgreSQL, tasks in-process).
    for name, service in portal_services().items():
        environment = service_environment(service)
        assert environment.get("DJANGO_SETTINGS_MODULE") == PRODUCTION_SETTINGS, name


def test_the_portal_reaches_the_postgres_and_redis_services() -> None:
    postgres = service_environment(services()["postgres"])

    for name, service in portal_services().items():
        environment = service_environment(service)
        database = urlsplit(environment["DATABASE_URL"])
        assert database.scheme in ("postgres", "postgresql"), name
        assert (database.hostname, database.port or 5432) == ("postgres", 5432), name
        assert unquote(database.username or "") == postgres["POSTGRES_USER"], name
        assert unquote(database.password or "") == postgres["POSTGRES_PASSWORD"], name
        assert database.path.lstrip("/") == postgres["POSTGRES_DB"], name
        assert urlsplit(environment["REDIS_URL"]).hostname == "redis", name


@pytest.mark.parametrize("variable", sorted(OPERATOR_VARIABLES))
@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_compose_refuses_to_start_without_each_secret(variable: str, value: str | None) -> None:
    variables = {name: secret for name, secret in OPERATOR_VARIABLES.items() if name != variable}
    if value is not None:
        variables[variable] = value

    with pytest.raises(MissingVariableError, match=variable):
        compose(variables)


def test_secrets_reach_every_portal_service() -> None:
    for name, service in portal_services().items():
        environment = service_environment(service)
        for variable in ("SECRET_KEY", "NIK_ENCRYPTION_KEYS", "NIK_HASH_KEY"):
            assert environment.get(variable) == OPERATOR_VARIABLES[variable], f"{name}: {variable}"


def test_private_documents_live_on_a_named_volume_outside_static_files() -> None:
    document = compose()
    declared = document.get("volumes") or {}
    mounted: dict[str, list[tuple[str, str]]] = {}
    for name, service in document["services"].items():
        for volume in service.get("volumes", []):
            source, _, rest = str(volume).partition(":")
            mounted.setdefault(source, []).append((name, rest.split(":")[0]))

    for name in ("web", "worker"):
        root = service_environment(document["services"][name])["PRIVATE_STORAGE_ROOT"]
        sources = [source for source, targets in mounted.items() if (name, root) in targets]
        assert sources, f"{name}: nothing is mounted at PRIVATE_STORAGE_ROOT={root}; documents would be lost"
        assert sources[0] in declared, f"{name}: {sources[0]} at {root} is not a named volume"
        assert all(target_service in portal_services() for target_service, _ in mounted[sources[0]]), (
            f"{sources[0]} is mounted into a service that is not the portal"
        )
        static_root = posixpath.join(image().workdir, "staticfiles")
        assert not root.startswith(static_root) and not static_root.startswith(root), root
    assert "postgres-data" in declared and ("postgres", "/var/lib/postgresql/data") in mounted["postgres-data"]


def test_services_that_do_not_serve_http_do_not_inherit_the_http_health_check() -> None:
    for name, service in portal_services().items():
        if service_command(service)[0] == "gunicorn":
            continue
        assert service_healthcheck(service, container_environment(service)) != image().healthcheck, (
            f"{name} does not serve HTTP; the image's /healthz probe would mark it unhealthy forever"
        )


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_portal_health_checks_run_real_commands(name: str) -> None:
    service = services()[name]

    argv = service_healthcheck(service, container_environment(service))

    assert argv, f"{name} has no health check"
    check_command(argv)


@pytest.mark.parametrize(("name", "nodename"), [("worker", default_nodename), ("beat", beat_nodename)])
def test_celery_health_checks_ping_the_node_their_service_runs(name: str, nodename: Callable[..., str]) -> None:
    service = services()[name]
    command = service_command(service)
    check = service_healthcheck(service, container_environment(service))
    assert check is not None

    assert check[check.index("inspect") + 1] == "ping", check
    node = nodename(option_value(command, "--hostname", "-n"))
    assert option_value(check, "--destination", "-d") == node, f"{name} answers as {node}; the check pings {check}"
    if name == "beat":
        assert "--enable-remote-control" in command, "beat answers `inspect ping` only with --enable-remote-control"


# === Tests: Dockerfile and build context ========================================================================


def test_image_is_python_311_slim_running_as_an_unprivileged_user() -> None:
    assert image().base == "python:3.11-slim"
    assert image().user, "no USER: the portal would run as root"
    user = str(image().user).split(":")[0]
    assert user not in ("root", "0"), image().user
    assert any("useradd" in step and user in step for step in image().runs), f"USER {user} is never created"


def test_image_installs_requirements_txt_which_provides_the_executables() -> None:
    assert any(re.search(r"pip install (.* )?-r requirements\.txt", step) for step in image().runs)
    pinned = {
        re.split(r"[\[=<>~ ]", line.strip(), maxsplit=1)[0].lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {"gunicorn", "celery", "django-celery-beat", "whitenoise"} <= pinned, sorted(pinned)
    assert pinned & {"psycopg2-binary", "psycopg2", "psycopg", "psycopg-binary"}, "no PostgreSQL driver"


def test_image_default_command_runs_gunicorn_on_port_8000() -> None:
    argv = [*image().entrypoint, *image().cmd]

    check_command(argv)
    assert argv[0] == "gunicorn", argv
    assert gunicorn_settings(argv, image().env).bind == ["0.0.0.0:8000"], argv
    assert "8000" in image().exposed


def test_image_runs_production_settings_and_keeps_documents_outside_the_code() -> None:
    assert image().env.get("DJANGO_SETTINGS_MODULE") == PRODUCTION_SETTINGS
    root = image().env.get("PRIVATE_STORAGE_ROOT", "")
    assert root.startswith("/") and not root.startswith(image().workdir.rstrip("/") + "/"), root
    assert any(root in step and "install -d" in step and "-m 0700" in step for step in image().runs), (
        "PRIVATE_STORAGE_ROOT is not created owned by the portal user and closed to others"
    )


def test_image_copies_only_files_that_exist_in_the_build_context() -> None:
    copies = [tokens for tokens in image().copies if not any(token.startswith("--from") for token in tokens)]
    assert copies, "the Dockerfile copies nothing"

    for keyword, *tokens in copies:
        sources = [token for token in tokens if not token.startswith("--")][:-1]
        assert sources, f"{keyword} {tokens}: no source"
        for source in sources:
            assert (ROOT / source).exists(), f"{keyword} {source}: no such file"
            assert in_build_context(source), f"{keyword} {source}: .dockerignore leaves it out"


def test_build_context_holds_what_the_portal_runs() -> None:
    needed = ["manage.py", "requirements.txt", "jakpreneur/wsgi.py", "jakpreneur/celery.py", "templates", "static"]
    needed += [
        Path(config.path).relative_to(ROOT).as_posix()
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and not Path(config.path).is_relative_to(sys.prefix)
    ]
    needed += [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.glob("*/migrations/*.py")
        if not path.is_relative_to(sys.prefix)
    ]
    missing = [path for path in needed if not in_build_context(path)]

    assert not missing, f"left out of the image: {missing}"


def test_build_context_ships_compiled_translations() -> None:
    # The image does not run compilemessages: every catalogue must come with its committed .mo.
    catalogues = [path for path in build_context() if path.endswith(".po")]
    missing = [path for path in catalogues if path[:-3] + ".mo" not in build_context()]

    assert not missing, f"no compiled .mo in the image for {missing}"
    assert not excluded("locale/id/LC_MESSAGES/django.mo")


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        "production.env",
        ".git/config",
        ".venv/bin/python",
        "var/jakpreneur.sqlite3",
        "var/postgres/PG_VERSION",
        "var/private/documents/ktp.jpg",
        "staticfiles/staticfiles.json",
        "db.sqlite3",
        "accounts/__pycache__/models.cpython-311.pyc",
        "tests/test_deploy.py",
        "accounts/tests/factories.py",
        "conftest.py",
        "bench/generate.py",
        ".ci/run",
    ],
)
def test_build_context_leaves_out_secrets_local_state_and_tests(path: str) -> None:
    assert excluded(path)


def test_build_context_holds_no_local_data() -> None:
    leaked = [
        path
        for path in build_context()
        if path.endswith((".sqlite3", ".env", ".pem", ".key")) or path.startswith(("var/", ".git/", ".venv/"))
    ]

    assert not leaked, leaked


def requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def installed_by(wanted: list[Requirement]) -> set[str]:
    """The distributions pip installs for these requirements, dependencies and extras included."""
    seen: set[tuple[str, frozenset[str]]] = set()
    pending = [(requirement.name, frozenset(requirement.extras)) for requirement in wanted]
    while pending:
        name, extras = pending.pop()
        if (canonicalize_name(name), extras) in seen:
            continue
        seen.add((canonicalize_name(name), extras))
        try:
            dependencies = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in dependencies:
            dependency = Requirement(line)
            marker = dependency.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras or {""}):
                pending.append((dependency.name, frozenset(dependency.extras)))
    return {name for name, _ in seen}


def test_code_in_the_image_imports_only_what_the_image_installs() -> None:
    in_image = installed_by(requirements(ROOT / "requirements.txt")) | {"pip", "setuptools", "wheel"}  # python:3.11
    not_in_image = {
        module
        for module, distributions in metadata.packages_distributions().items()
        if not any(canonicalize_name(distribution) in in_image for distribution in distributions)
    }
    test_code = re.compile(r"(^|\.)(tests|conftest)(\.|$)")
    offenders = []
    for path in sorted(build_context()):
        if not path.endswith(".py"):
            continue
        for node in ast.walk(ast.parse((ROOT / path).read_text(), filename=path)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path}: import {name}"
                for name in names
                if test_code.search(name) or name.split(".")[0] in not_in_image
            ]

    assert "factory" in not_in_image and "pytest" in not_in_image  # dev requirements are not in the image
    assert not offenders, f"imports of test code or of packages requirements.txt does not install: {offenders}"


def test_build_collectstatic_step_succeeds_in_the_build_context(tmp_path: Path) -> None:
    steps = [step for step in image().runs if "collectstatic" in step]
    assert len(steps) == 1, steps
    tokens = shlex.split(steps[0])
    assignments = dict(token.split("=", 1) for token in tokens if re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", token))
    argv = [token for token in tokens if not re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", token)]
    check_command(argv)
    assert not set(assignments) & set(image().env), "a build-only value leaks into the image's ENV"
    context = tmp_path / "context"
    for path in build_context():
        (context / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, context / path)

    result = run([sys.executable, *argv[1:]], process_environment({**image().env, **assignments}), cwd=context)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    manifest = json.loads((context / "staticfiles" / "staticfiles.json").read_text())["paths"]
    ours = [path.removeprefix("static/") for path in build_context() if path.startswith("static/")]
    assert "admin/css/base.css" in manifest
    assert set(ours) <= set(manifest), sorted(set(ours) - set(manifest))


def test_image_healthcheck_probes_the_health_endpoint_on_the_gunicorn_port() -> None:
    argv = image().healthcheck
    assert argv, "the Dockerfile has no HEALTHCHECK"
    check_command(argv)
    assert argv[:2] == ["python", "-c"], argv
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/[^'\"]*)", argv[2])
    assert url, f"the health check requests no local URL: {argv[2]}"
    port, path = url.groups()

    assert gunicorn_settings([*image().entrypoint, *image().cmd], image().env).bind == [f"0.0.0.0:{port}"]
    try:
        match = resolve(path)
    except Resolver404:
        pytest.fail(f"the HEALTHCHECK requests {path}, which no URL pattern serves")
    assert match.url_name == "healthz", match
    assert seconds(image().healthcheck_options.get("timeout", "30s")) <= 10


# === Tests: production settings ==================================================================================


def test_check_deploy_passes_without_a_single_warning() -> None:
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_environment()
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "System check identified no issues (0 silenced)." in output, output[-6000:]


def test_check_deploy_passes_in_every_portal_service_environment(tmp_path: Path) -> None:
    environments: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for name, service in portal_services().items():
        # The image creates PRIVATE_STORAGE_ROOT; on this machine a temporary directory stands in for it.
        variables = {**service_environment(service), "PRIVATE_STORAGE_ROOT": str(tmp_path)}
        environments.setdefault(tuple(sorted(variables.items())), []).append(name)

    for environment, names in environments.items():
        result = run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            process_environment(dict(environment)),
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{names}: {output[-6000:]}"
        assert "System check identified no issues (0 silenced)." in output, f"{names}: {output[-6000:]}"


LOAD_SETTINGS = "import django; django.setup(); from django.conf import settings; print(settings.SETTINGS_MODULE)"


def test_production_settings_load_with_every_required_variable() -> None:
    result = run([sys.executable, "-c", LOAD_SETTINGS], production_environment())

    assert result.returncode == 0, result.stderr[-6000:]
    assert result.stdout.strip() == PRODUCTION_SETTINGS


@pytest.mark.parametrize(
    "variable", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "NIK_ENCRYPTION_KEYS", "NIK_HASH_KEY"]
)
@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_production_settings_refuse_to_load_without(variable: str, value: str | None) -> None:
    result = run([sys.executable, "-c", LOAD_SETTINGS], production_environment(**{variable: value}))

    error = final_line(result.stderr)
    assert result.returncode != 0, f"production settings loaded with {variable}={value!r}"
    assert error.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr[-3000:]
    assert variable in error, error


def test_production_settings_refuse_sqlite(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "-c", LOAD_SETTINGS],
        production_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}"),
    )

    error = final_line(result.stderr)
    assert result.returncode != 0, "production settings accepted SQLite"
    assert error.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr[-3000:]
    assert "PostgreSQL" in error, error


# === Tests: the image's command and health checks, run for real =================================================


def healthcheck_against(port: int) -> list[str]:
    """The image's HEALTHCHECK argv, pointed at a gunicorn listening on `port` instead of 8000."""
    argv = list(image().healthcheck or [])
    assert argv[:2] == ["python", "-c"] and "127.0.0.1:8000" in argv[2], argv
    return [sys.executable, "-c", argv[2].replace("127.0.0.1:8000", f"127.0.0.1:{port}")]


def answers_http(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


@dataclass(frozen=True)
class Serving:
    port: int
    pid: int  # gunicorn's master


@contextmanager
def image_command_serving(environment: Mapping[str, str], tmp_path: Path) -> Iterator[Serving]:
    """The image's CMD (gunicorn) on a free local port instead of 0.0.0.0:8000 (a --bind on the command line goes
    over the config file's); yields the port and the master's pid once it answers."""
    port = free_port()
    argv = [*image().entrypoint, *image().cmd, "--bind", f"127.0.0.1:{port}"]
    assert gunicorn_settings(argv, environment).bind == [f"127.0.0.1:{port}"], argv
    log = tmp_path / "gunicorn.log"
    with started([str(BIN / argv[0]), *argv[1:]], environment, log) as process:

        def ready() -> bool:
            assert process.poll() is None, f"gunicorn exited\n{tail(log)}"
            return answers_http(port)

        wait_until(ready, timeout=60, interval=0.2, describe=lambda: tail(log))
        yield Serving(port, process.pid)


def portal_environment(broker_url: str, tmp_path: Path, **variables: str) -> dict[str, str]:
    """The web container's environment, with the database and broker this test provides."""
    return process_environment(
        {
            **image().env,
            **OPERATOR_VARIABLES,
            "DATABASE_URL": current_database_url(),
            "REDIS_URL": broker_url,
            "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),  # the image's is a path in the container
            "WEB_CONCURRENCY": "1",
            **variables,
        }
    )


def probe(argv: list[str], environment: Mapping[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return run(argv, environment, timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, 1, "", f"timed out after {timeout}s (Docker counts a failure)")


@pytest.mark.fault
@pytest.mark.django_db  # the test database exists (a subprocess connects to it)
def test_image_healthcheck_passes_while_database_and_broker_answer_and_fails_without_the_broker(
    tmp_path: Path,
) -> None:
    # No ALLOWED_HOSTS: production's default host; the probe must name it and get past the HTTPS redirect.
    timeout = 2 * seconds(image().healthcheck_options.get("timeout", "30s"))  # twice Docker's: a busy CI machine
    with throwaway_redis() as broker:
        environment = portal_environment(broker.url, tmp_path)
        with image_command_serving(environment, tmp_path) as served:
            healthy = probe(healthcheck_against(served.port), environment, timeout)
            assert healthy.returncode == 0, healthy.stderr[-3000:] + tail(tmp_path / "gunicorn.log")

            broker.stop()
            unhealthy = probe(healthcheck_against(served.port), environment, timeout)

    assert unhealthy.returncode != 0, "the health check passed with the broker down"


@pytest.mark.fault
@pytest.mark.django_db  # the test database exists (a subprocess connects to it)
@pytest.mark.parametrize("allowed_hosts", [".jakpreneur.example.id,localhost", "portal.example.id"])
def test_image_healthcheck_names_a_host_the_portal_accepts(allowed_hosts: str, tmp_path: Path) -> None:
    timeout = 2 * seconds(image().healthcheck_options.get("timeout", "30s"))
    with throwaway_redis() as broker:
        environment = portal_environment(broker.url, tmp_path, ALLOWED_HOSTS=allowed_hosts)
        with image_command_serving(environment, tmp_path) as served:
            result = probe(healthcheck_against(served.port), environment, timeout)

    assert result.returncode == 0, result.stderr[-3000:] + tail(tmp_path / "gunicorn.log")


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)  # beat writes its schedule; the flush afterwards removes it
@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_service_passes_its_compose_health_check(name: str, tmp_path: Path) -> None:
    service = services()[name]
    argv = service_command(service)
    if name == "worker":
        argv += ["--concurrency", "1"]  # the compose default is one process per CPU
    check = service_healthcheck(service, container_environment(service))
    assert check is not None
    with throwaway_redis() as broker:
        environment = process_environment(
            {
                **service_environment(service),
                "DATABASE_URL": current_database_url(),
                "REDIS_URL": broker.url,
                "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
                "HOSTNAME": socket.gethostname(),
            }
        )
        log = tmp_path / f"{name}.log"
        with started([str(BIN / argv[0]), *argv[1:]], environment, log) as process:
            results: list[subprocess.CompletedProcess[str]] = []

            def healthy() -> bool:
                assert process.poll() is None, f"{name} exited\n{tail(log)}"
                results.append(probe([str(BIN / check[0]), *check[1:]], environment, timeout=30))
                return results[-1].returncode == 0

            wait_until(
                healthy,
                timeout=90,
                interval=1,
                describe=lambda: f"{results[-1].stdout}{results[-1].stderr}\n{tail(log)}" if results else tail(log),
            )


# === Tests: gunicorn's settings (issue 12: sized to the cores, the portal loaded once) ===========================


def image_gunicorn(**variables: str) -> GunicornConfig:
    """The settings of the web service's gunicorn when the operator sets `variables`."""
    return gunicorn_settings(service_command(services()["web"]), web_environment(**variables))


def test_gunicorn_loads_the_portal_once_before_forking_and_keeps_its_workers() -> None:
    settings = image_gunicorn()

    assert settings.preload_app, "without preload every worker imports the portal itself"
    # a request limit without preload re-imported the portal every thousand requests (issue 12: 2.4 times slower)
    assert settings.max_requests == 0, settings.max_requests
    assert settings.when_ready.__module__ != "gunicorn.config", "the master closes its connections before forking"


def test_gunicorn_sizes_its_workers_to_the_cores_unless_told() -> None:
    cores = len(os.sched_getaffinity(0))

    default = image_gunicorn()
    assert (default.workers, default.threads, default.worker_class_str) == (2 * cores + 1, 1, "sync")
    told = image_gunicorn(WEB_CONCURRENCY="7")
    assert told.workers == 7
    threaded = image_gunicorn(WEB_CONCURRENCY="2", WEB_THREADS="4")
    assert (threaded.workers, threaded.threads, threaded.worker_class_str) == (2, 4, "gthread")
    assert "WEB_CONCURRENCY" not in service_environment(services()["web"]), (
        "compose would fix the count for every host"
    )


def test_gunicorn_keeps_the_timeouts_and_the_portal_answers_before_the_proxy_gives_up() -> None:
    settings = image_gunicorn()
    _path, directives = proxy_config()
    read_timeout = next(d[1] for d in directives if d[0] == "proxy_read_timeout")

    assert (settings.timeout, settings.graceful_timeout) == (60, 30)
    assert settings.timeout < seconds(read_timeout), (settings.timeout, read_timeout)
    assert settings.worker_tmp_dir == "/dev/shm"
    assert settings.control_socket_disable, "no control socket in the home directory of the image's user"
    assert settings.accesslog == "-"


def postgres_connections_of(pid: int) -> int:
    """How many TCP connections to port 5432 the process holds (its sockets' inodes in /proc/net/tcp)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[2].rsplit(":", 1)[1] == "1538" and fields[9] in inodes:  # 0x1538 = 5432
                count += 1
    return count


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


@pytest.mark.fault
@pytest.mark.django_db  # the test database exists (a subprocess connects to it)
def test_the_image_command_forks_workers_from_a_master_that_loaded_the_portal(tmp_path: Path) -> None:
    with throwaway_redis() as broker:
        environment = portal_environment(broker.url, tmp_path, WEB_CONCURRENCY="2")
        with image_command_serving(environment, tmp_path) as served:
            assert answers_http(served.port)
            maps = Path(f"/proc/{served.pid}/maps").read_text()
            workers = children_of(served.pid)
            held = postgres_connections_of(served.pid)

    # psycopg2's C extension is mapped in the master only if the master imported the portal (preload)
    assert "_psycopg" in maps, "the master never loaded the portal: each worker imports it on its own"
    assert len(workers) == 2, workers
    assert held == 0, "the master holds a PostgreSQL connection its workers would share"


# === Tests: the proxy in front (issue 7: the lockout takes the client's address only from the trusted hop) ======


def nginx_directives(text: str) -> list[list[str]]:
    """nginx.conf's directives as word lists (comments dropped; quoted words kept as written, quotes removed)."""
    without_comments = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    directives = []
    for statement in re.split(r"[;{}]", without_comments):
        tokens = shlex.split(statement)
        if tokens:
            directives.append(tokens)
    return directives


def proxy_service() -> tuple[str, dict[str, Any]]:
    found = {
        name: service for name, service in services().items() if str(service.get("image", "")).startswith("nginx")
    }
    assert len(found) == 1, f"one nginx service in front of the portal, found {sorted(found)}"
    return next(iter(found.items()))


def proxy_config() -> tuple[Path, list[list[str]]]:
    _name, service = proxy_service()
    mounts = [str(volume).split(":") for volume in service.get("volumes", [])]
    configs = [ROOT / source for source, target, *_ in mounts if target == "/etc/nginx/nginx.conf"]
    assert configs, "the proxy service mounts no nginx.conf"
    path = configs[0]
    assert path.is_file() and path.resolve().is_relative_to(ROOT / "deploy"), path
    return path, nginx_directives(path.read_text())


def test_the_portal_is_reached_only_through_the_proxy() -> None:
    name, proxy = proxy_service()
    assert "ports" not in services()["web"], "web is published: clients could bypass the proxy and its header"
    assert proxy.get("ports"), f"{name} publishes no port"
    _path, directives = proxy_config()
    upstreams = [d for d in directives if d[0] == "server" and len(d) == 2 and ":" in d[1]]
    passes = [d for d in directives if d[0] == "proxy_pass"]
    assert passes, "the proxy passes nothing on"
    assert upstreams == [["server", "web:8000"]], upstreams


def test_the_proxy_overwrites_x_forwarded_for_with_the_address_it_saw() -> None:
    _path, directives = proxy_config()
    forwarded = [d for d in directives if d[:2] == ["proxy_set_header", "X-Forwarded-For"]]

    assert forwarded == [["proxy_set_header", "X-Forwarded-For", "$remote_addr"]], forwarded
    assert not any("$proxy_add_x_forwarded_for" in word for d in directives for word in d), (
        "$proxy_add_x_forwarded_for keeps whatever the client sent"
    )
    assert ["proxy_set_header", "X-Forwarded-Proto", "https"] in directives


def test_the_portal_trusts_exactly_the_proxys_fixed_address() -> None:
    name, proxy = proxy_service()
    address = proxy["networks"]["edge"]["ipv4_address"]
    subnet = compose()["networks"]["edge"]["ipam"]["config"][0]["subnet"]

    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet), (address, subnet)
    web = services()["web"]
    assert service_environment(web)["TRUSTED_PROXIES"] == address, f"web must trust {name}'s address, only it"
    assert "edge" in web["networks"]
    on_edge = [n for n, service in services().items() if "edge" in (service.get("networks") or [])]
    assert sorted(on_edge) == sorted(["web", name]), f"only the proxy and web share the trusted network: {on_edge}"


def test_the_trusted_hop_is_what_the_lockout_reads() -> None:
    from django.conf import settings
    from django.test import RequestFactory, override_settings

    from accounts.logins import client_address

    assert settings.AXES_CLIENT_IP_CALLABLE == "accounts.logins.client_address"
    _name, proxy = proxy_service()
    address = proxy["networks"]["edge"]["ipv4_address"]
    factory = RequestFactory()
    with override_settings(TRUSTED_PROXIES=[address]):
        # what the proxy sends: the one address it saw, whatever the client wrote
        assert client_address(factory.get("/", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR="198.51.100.7")) == (
            "198.51.100.7"
        )
        # a client reaching the portal any other way: its header is not read
        direct = factory.get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert client_address(direct) == "192.0.2.5"


def test_the_proxy_caps_bodies_and_keeps_tls_out_of_the_repository() -> None:
    _path, directives = proxy_config()
    assert ["client_max_body_size", "12m"] in directives
    ignored = (ROOT / "deploy" / "tls" / ".gitignore").read_text().splitlines()
    assert "*" in ignored


def test_the_proxy_buffers_whole_requests_and_responses_and_drops_stalled_clients() -> None:
    _path, directives = proxy_config()
    values = {d[0]: d[1:] for d in directives}

    assert values.get("proxy_request_buffering") == ["on"], "a slow upload would hold a gunicorn worker"
    assert values.get("proxy_buffering") == ["on"], "a slow reader would hold a gunicorn worker"
    for name in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        assert name in values, f"{name}: nginx's default is 60 s"
        assert seconds(values[name][0]) <= 30, (name, values[name])
    assert not [d for d in directives if d[0].endswith("_buffering") and d[1:] != ["on"]], "buffering switched off"


def proxy_config_here(upstream: int, listen: int, workdir: Path) -> Path:
    """deploy/nginx.conf as it can run on this machine: plain HTTP on the loopback for TLS, its files in
    `workdir`, the upstream on `upstream`. Every other directive, the buffering among them, is the file's."""
    path, _directives = proxy_config()
    text = path.read_text()
    for old, new in [
        ("pid /tmp/nginx.pid;", f"pid {workdir}/nginx.pid;"),
        ("access_log /dev/stdout portal;", f"access_log {workdir}/access.log portal;"),
        ("error_log /dev/stderr warn;", f"error_log {workdir}/error.log warn;"),
        ("server web:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{listen};"),
        ("http2 on;", ""),
        ("http {", "http {\n" + "".join(f"{kind}_temp_path {workdir}/{kind};\n" for kind in ("client_body", "proxy"))),
    ]:
        assert text.count(old) == 1, f"deploy/nginx.conf changed: {old!r}; update this test"
        text = text.replace(old, new)
    text = re.sub(r"^\s*ssl_\w+ [^;]*;\n", "", text, flags=re.MULTILINE)
    config = workdir / "nginx.conf"
    config.write_text(text)
    return config


def stalled_upload(port: int) -> socket.socket:
    """A client that sends a POST's headers and the first part of its body, then stops (a phone losing signal)."""
    body_length = 200_000
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    client.sendall(
        b"POST /akun/masuk/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        # as the proxy says it came (past the HTTPS redirect, which answers without reading the body)
        + b"X-Forwarded-Proto: https\r\n"
        + f"Content-Length: {body_length}\r\nConnection: close\r\n\r\n".encode()
        + b"username="
        + b"x" * 1000
    )
    return client


def stalled_headers(port: int) -> socket.socket:
    """A client that sends the first lines of a request's headers, then stops (a slowloris, or a phone in a
    lift): the request never ends, so whoever reads it waits."""
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\nX-Slow: ")
    return client


def answers_within(port: int, timeout: float) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
        connection.getresponse().read()
    except TimeoutError:
        return False
    finally:
        connection.close()
    return True


@pytest.mark.fault
@pytest.mark.django_db  # the test database exists (a subprocess connects to it)
@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (Debian package nginx)")
@pytest.mark.parametrize("stall", [stalled_upload, stalled_headers], ids=["upload", "headers"])
def test_a_stalled_client_holds_nginx_and_not_the_one_gunicorn_worker(
    stall: Callable[[int], socket.socket], tmp_path: Path
) -> None:
    with throwaway_redis() as broker:
        environment = portal_environment(broker.url, tmp_path, WEB_CONCURRENCY="1", ALLOWED_HOSTS="127.0.0.1")
        with image_command_serving(environment, tmp_path) as served:
            # the control: straight to gunicorn, a stalled client holds its only worker
            direct = stall(served.port)
            try:
                assert not answers_within(served.port, timeout=3), "gunicorn answered while its worker waited"
            finally:
                direct.close()
            assert answers_within(served.port, timeout=10)

            listen = free_port()
            config = proxy_config_here(served.port, listen, tmp_path)
            argv = [str(shutil.which("nginx")), "-c", str(config), "-p", str(tmp_path), "-g", "daemon off; user root;"]
            with started(argv, {}, tmp_path / "nginx.out"):
                wait_until(
                    lambda: answers_http(listen),
                    timeout=20,
                    describe=lambda: tail(tmp_path / "nginx.out"),
                )
                stalled = stall(listen)
                try:
                    began = time.monotonic()
                    assert answers_within(listen, timeout=5), "the stalled client reached the worker through nginx"
                    assert time.monotonic() - began < 5
                    # the rest of the request: now it goes on to the portal, and is answered
                    rest = b"x" * (200_000 - 1009) if stall is stalled_upload else b"1\r\nConnection: close\r\n\r\n"
                    stalled.sendall(rest)
                    assert stalled.recv(12).startswith(b"HTTP/1.1 "), "the completed request got no answer"
                finally:
                    stalled.close()


def get(port: int, path: str, headers: Mapping[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers})
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.fault
@pytest.mark.django_db  # the test database exists (a subprocess connects to it)
@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (Debian package nginx)")
def test_the_proxy_gives_each_request_its_id_and_never_serves_metrics(tmp_path: Path) -> None:
    token = secrets.token_hex(16)
    bearer = {"Authorization": f"Bearer {token}"}
    with throwaway_redis() as broker:
        environment = portal_environment(broker.url, tmp_path, ALLOWED_HOSTS="127.0.0.1", METRICS_TOKEN=token)
        with image_command_serving(environment, tmp_path) as served:
            # the control: on the internal network, the token opens /metrics (every gunicorn worker's counts)
            status, _headers, body = get(served.port, "/metrics", bearer)
            assert status == 200 and b"django_http_requests_total_by_view_transport_method_total" in body

            listen = free_port()
            config = proxy_config_here(served.port, listen, tmp_path)
            argv = [str(shutil.which("nginx")), "-c", str(config), "-p", str(tmp_path), "-g", "daemon off; user root;"]
            with started(argv, {}, tmp_path / "nginx.out"):
                wait_until(lambda: answers_http(listen), timeout=20, describe=lambda: tail(tmp_path / "nginx.out"))
                for path in ("/metrics", "/metrics/", "/metrics?x=1"):
                    status, _headers, body = get(listen, path, bearer)
                    assert status == 404, path
                    assert b"django_" not in body
                # a client's own id is not what the portal logs: the proxy's $request_id goes in its place
                status, headers, _body = get(listen, "/healthz/live", {"X-Request-ID": "client-chosen-id-0001"})

    assert status == 200
    request_id = headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), request_id
    access = (tmp_path / "access.log").read_text()
    assert '"GET /healthz/live HTTP/1.1" 200 ' in access
    assert f"request_id={request_id}" in access
