"""Read the past versions of one file from a local git clone: which commits changed it, when, and its bytes.

Only the first-parent history is walked: on a branch that receives merges, a side branch's commits carry
dates from before the merge, when their content was not yet published; the merge commit is the moment
the branch (what a live collector would have fetched) changed. Renames are followed, so each version is
read at the path it had in its own commit.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO


class GitError(RuntimeError):
    """The repository, the path or a git command is not usable."""


@dataclass(frozen=True)
class FileVersion:
    commit: str
    committed_at: datetime  # committer date in naive UTC: when the version landed on the branch
    path: str  # the file's path in that commit (differs from the asked path before a rename)
    deleted: bool = False  # the commit removed the file


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("the `git` command is not installed") from exc
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])} in {repo}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def object_type(repo: Path, path: str, rev: str = "HEAD") -> str | None:
    """`blob`, `tree`, or None when `path` does not exist at `rev`."""
    try:
        return _git(repo, "cat-file", "-t", f"{rev}:{path}").decode().strip()
    except GitError:
        return None


def file_versions(repo: Path, path: str) -> list[FileVersion]:
    """Every commit of the first-parent history that changed `path` (deletions included), oldest first."""
    _git(repo, "rev-parse", "--git-dir")
    out = _git(repo, "log", "--first-parent", "--follow", "-z", "--format=%x1e%H %ct", "--name-status",
               "--", path)
    versions = []
    for record in out.split(b"\x1e")[1:]:
        header, _, changes = record.partition(b"\0")
        commit, timestamp = header.decode().split()
        fields = [f for f in changes.strip(b"\n").split(b"\0") if f]
        if not fields:
            continue
        at = datetime.fromtimestamp(int(timestamp), UTC).replace(tzinfo=None)
        versions.append(FileVersion(commit, at, fields[-1].decode(), deleted=fields[0].startswith(b"D")))
    versions.reverse()
    return versions


def tree_commits(repo: Path, paths: list[str]) -> list[tuple[str, datetime]]:
    """Every commit of the first-parent history that changed anything under `paths`, oldest first."""
    _git(repo, "rev-parse", "--git-dir")
    out = _git(repo, "log", "--first-parent", "--format=%H %ct", "--", *paths).decode()
    commits = []
    for line in reversed(out.splitlines()):
        commit, timestamp = line.split()
        commits.append((commit, datetime.fromtimestamp(int(timestamp), UTC).replace(tzinfo=None)))
    return commits


# git's file mode of a symbolic link: its blob holds the path it points to.
LINK_MODE = "120000"


def tree_files(repo: Path, commit: str, paths: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(path → blob id of every file, path → blob id of every symbolic link) under `paths` at `commit`."""
    out = _git(repo, "ls-tree", "-r", "-z", commit, "--", *paths)
    files, links = {}, {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind == "blob":
            (links if mode == LINK_MODE else files)[path.decode()] = blob
    return files, links


class BlobReader:
    """Reads file contents at given commits through one long-lived `git cat-file --batch` process."""

    def __init__(self, repo: Path) -> None:
        self._proc = subprocess.Popen(
            ["git", "-C", str(repo), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def read(self, commit: str, path: str) -> bytes:
        return self.read_object(f"{commit}:{path}")

    def read_object(self, spec: str) -> bytes:
        """The content of a blob named by id or by `commit:path`."""
        stdin, stdout = self._pipes()
        stdin.write(f"{spec}\n".encode())
        stdin.flush()
        header = stdout.readline().decode().split()
        if header[-1:] == ["missing"]:
            raise GitError(
                f"{spec} is missing from the repository's objects (a shallow, partial or damaged clone): complete "
                "it (`git fetch --unshallow`, `git fetch --refetch`, `git fsck`) or backfill with --since a date "
                "after that commit")
        if len(header) != 3 or header[1] != "blob":
            raise GitError(f"{spec} is not a file in the repository ({' '.join(header) or 'git said nothing'})")
        body = stdout.read(int(header[2]))
        stdout.read(1)  # the newline git writes after each object
        return body

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self._proc.stdin is None or self._proc.stdout is None or self._proc.poll() is not None:
            raise GitError("git cat-file stopped unexpectedly")
        return self._proc.stdin, self._proc.stdout

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)
        if self._proc.stdout is not None:
            self._proc.stdout.close()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
