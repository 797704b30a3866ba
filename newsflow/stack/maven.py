"""Downloads from Maven Central through `mvn`, cached in the local Maven repository (~/.m2).

Maven is the one client this machine (and CI) may use for Java artifacts, and its cache makes
a second clone or a wiped stack home start without downloading anything again.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from newsflow.errors import StackError

log = logging.getLogger(__name__)

# Pinned so a build never depends on the Maven version's default plugin (2.8 on Maven 3.8).
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
COMPLETE_MARKER = ".newsflow-complete"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MAVEN_BOILERPLATE = ("To see the full stack trace", "Re-run Maven", "For more information", "[Help 1]")


def maven_error(output: str) -> str:
    """The [ERROR] lines of Maven's output that say what went wrong, without its boilerplate."""
    lines = [_ANSI.sub("", line).removeprefix("[ERROR]").strip() for line in output.splitlines()]
    useful = [line for line in lines if line and not line.startswith(_MAVEN_BOILERPLATE)]
    return " / ".join(useful[:3]) or "no output"


def _mvn(args: list[str], what: str, cwd: Path) -> None:
    """Run Maven in `cwd` (an empty directory: a pom.xml in the caller's directory must not count)."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError(f"{what} needs Maven (`mvn`), which is not on PATH; install it (apt-get install maven)")
    # -B: no progress bars or prompts; -q: errors only.
    cmd = [mvn, "-B", "-q", "-Dstyle.color=never", *args]
    log.debug("running %s", " ".join(cmd))
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd)
    if done.returncode != 0:
        raise StackError(f"{what} failed: {maven_error(done.stdout + done.stderr)}")


def copy_dependencies(pom: Path, out_dir: Path, properties: Mapping[str, str]) -> None:
    """Resolve the runtime dependencies of `pom` and copy the jars into `out_dir`."""
    props = [f"-D{key}={value}" for key, value in properties.items()]
    _mvn(
        ["-f", str(pom), f"{DEPENDENCY_PLUGIN}:copy-dependencies",
         f"-DoutputDirectory={out_dir}", "-DincludeScope=runtime", *props],
        f"downloading the jars of {pom.name}",
        out_dir.parent,
    )


def fetch_artifact(coordinates: str, out_dir: Path) -> Path:
    """Copy one artifact (`group:artifact:version:type`) into `out_dir` and return its path."""
    _mvn(
        [f"{DEPENDENCY_PLUGIN}:copy", f"-Dartifact={coordinates}", f"-DoutputDirectory={out_dir}"],
        f"downloading {coordinates}",
        out_dir,
    )
    _group, artifact, version, kind = coordinates.split(":")
    path = out_dir / f"{artifact}-{version}.{kind}"
    if not path.is_file():
        raise StackError(f"downloading {coordinates} produced no {path.name} in {out_dir}")
    return path


def unzip(archive: Path, dest: Path) -> None:
    """Extract `archive` into `dest`, restoring the Unix modes that zipfile drops.

    Everything stays readable by all (another user runs Elasticsearch when we are root).
    """
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = Path(zf.extract(info, dest))
            if not info.is_dir():
                executable = (info.external_attr >> 16) & 0o111
                target.chmod(0o755 if executable else 0o644)
    # Directories, including those created implicitly, whatever the umask.
    for directory in [dest, *(p for p in dest.rglob("*") if p.is_dir())]:
        directory.chmod(0o755)


def ensure_complete(dest: Path, produce: Callable[[Path], None]) -> bool:
    """Run `produce(dest)` unless a previous run finished; True if it ran.

    The marker is written last, so a download or unpack that was interrupted half-way is
    thrown away and redone instead of leaving a broken distribution behind.
    """
    marker = dest / COMPLETE_MARKER
    if marker.exists():
        return False
    if dest.exists():
        log.debug("removing incomplete %s", dest)
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    dest.chmod(0o755)
    produce(dest)
    marker.touch()
    return True
