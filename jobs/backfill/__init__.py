"""Backfill: replay dated documents (a directory of files, a file's or a tree's git history) as a source's past."""
