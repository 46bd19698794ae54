"""Filters that keep their value across pages.

Streamlit forgets a widget's state when a page without that widget runs, so each filter keeps its
choice under a second session-state key that no widget owns and puts it back before drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from gapwatch.vocabulary import DEFINITIONS

_KEEP = "keep:"
DEFAULT_DEFINITION = "open-weights"
# A choice among this many short options is a row of radio buttons: all of them in sight, one click, and its
# scripts cost a page's first visit about 0.1 s in Chromium where a selectbox's cost 0.25 s (bench/bench_pages.py).
RADIO_OPTIONS, RADIO_LABEL_CHARS = 6, 24


def _remember(key: str) -> None:
    st.session_state[_KEEP + key] = st.session_state[key]


def _restore(key: str, value: object) -> None:
    st.session_state[_KEEP + key] = value
    st.session_state[key] = value


def choose(label: str, options: Sequence[str], key: str, *, default: str | None = None,
           from_query: str | None = None, label_of: Callable[[str], str] | None = None) -> str | None:
    """A choice remembered across pages (radio buttons when the options are few and short, else a selectbox);
    `from_query` names a URL parameter that preselects a value once."""
    options = list(options)
    if not options:
        return None
    wanted = st.query_params.get(from_query) if from_query else None
    if wanted is not None:
        # Applied once: left in the URL it would override every later choice the user makes.
        del st.query_params[from_query]
    kept = st.session_state.get(_KEEP + key)
    if wanted is not None and wanted not in options:
        st.text(f"Nothing named {wanted!r} under {label!r} in this snapshot.")
    if wanted in options:
        kept = wanted
    elif kept not in options:
        kept = default if default in options else options[0]
    _restore(key, kept)
    label_of = label_of or str
    if len(options) <= RADIO_OPTIONS and all(len(label_of(o)) <= RADIO_LABEL_CHARS for o in options):
        return st.radio(label, options, key=key, on_change=_remember, args=(key,), format_func=label_of,
                        horizontal=True)
    return st.selectbox(label, options, key=key, on_change=_remember, args=(key,), format_func=label_of)


def choose_many(label: str, options: Sequence[str], key: str, *,
                label_of: Callable[[str], str] | None = None) -> list[str]:
    """A multiselect remembered across pages; an empty choice means "all"."""
    options = list(options)
    kept = [v for v in st.session_state.get(_KEEP + key, []) if v in options]
    _restore(key, kept)
    return st.multiselect(label, options, key=key, on_change=_remember, args=(key,), placeholder="all",
                          format_func=label_of or str)


def definition() -> str:
    """What counts as open for the gap (docs/architecture.md); one choice shared by every page that shows a gap."""
    chosen = choose("What counts as open", DEFINITIONS, "definition", default=DEFAULT_DEFINITION)
    return chosen or DEFAULT_DEFINITION
