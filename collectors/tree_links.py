"""Symbolic links in a tree of files (a repository snapshot): each stands for the file it points to.

models.dev lists a model once and links other providers' entries to it (`providers/alibaba-cn/models/x.toml ->
../../alibaba/models/x.toml`: 209–243 links per 2026 tree); the site's build reads them as the files they point
to, so a backfill must too. A link's target is resolved against the link's own directory, in the same snapshot
(tarball or commit); links to links are followed. A link that goes nowhere, leaves the tree or runs in a
circle is left out, as the site's build cannot read it either (the 2026-03-21 tree links
`providers/zhipuai/models/glm-4.6v-flash.toml` to a file that does not exist), and named in `TreeFiles.broken`.
`TreeFiles.links_followed` counts the links read, for the backfill summary.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

MAX_HOPS = 16


class TreeFiles(dict[str, bytes]):
    """Path → bytes of every file of a tree version, links read as their targets."""

    links_followed: int = 0
    broken: tuple[str, ...] = ()  # why each unreadable link was left out


class BrokenLink(ValueError):
    """A link that points outside the tree, at nothing, or round in circles."""


def target_of(link: str, points_to: str) -> str:
    """The tree path `points_to` names, read from the directory of `link`."""
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(link), points_to))
    if resolved.startswith("../") or resolved == ".." or posixpath.isabs(points_to):
        raise BrokenLink(f"{link} -> {points_to} points outside the tree")
    return resolved


def follow(files: dict[str, bytes], links: dict[str, str], read_elsewhere: Callable[[str], bytes | None],
           wanted: Callable[[str], bool]) -> TreeFiles:
    """`files` plus each wanted link of `links` (path → what it points to) read as the file it leads to: another
    file of `files`, another link, or a file outside the listed part of the tree (`read_elsewhere`)."""
    out = TreeFiles(files)
    broken = []
    for link in sorted(links):
        if not wanted(link):
            continue
        try:
            out[link] = _read(link, files, links, read_elsewhere)
        except BrokenLink as exc:
            broken.append(str(exc))
            continue
        out.links_followed += 1
    out.broken = tuple(broken)
    return out


def _read(link: str, files: dict[str, bytes], links: dict[str, str],
          read_elsewhere: Callable[[str], bytes | None]) -> bytes:
    path = link
    for _ in range(MAX_HOPS):
        path = target_of(path, links[path])
        if path not in links:
            break
    else:
        raise BrokenLink(f"{link}: more than {MAX_HOPS} links in a row (a cycle?)")
    body = files[path] if path in files else read_elsewhere(path)
    if body is None:
        raise BrokenLink(f"{link} -> {links[link]}: {path} does not exist")
    return body
