"""What a price is a price of: text generation (a token model) or something else priced per token.

Per-token comparisons (blended prices, the price index, cost of ownership) only make sense between models that
read and write text: an image model's "per 1M tokens" price counts image tokens or is a placeholder, so it would
look a thousand times cheaper than any LLM. Sources say what a model outputs in their own words; this module
maps each to one word, stored as `price.modality`:

- LiteLLM `mode` (`chat`, `completion`, `responses` → `text`; the parser keeps no other mode),
- models.dev `[modalities]`, OpenRouter `architecture.input_modalities`/`output_modalities`: text out of a
  model that reads text → `text`; a model that also outputs media is that medium (`video`, `image`, `audio`,
  in that order); one that reads no text (speech recognition) is the medium it reads.

None: the source does not say (genai-prices, the makers' pages); the model's other listings decide.
"""

from __future__ import annotations

from typing import Any

TEXT = "text"
_MEDIA = ("video", "image", "audio", "embedding")
_TEXT_MODES = frozenset({"chat", "completion", "responses"})


def of_modalities(inputs: Any, outputs: Any) -> str | None:
    """`["text"]` → `text`; outputs `["text", "image"]` → `image`; a model that reads no text (speech
    recognition: `["audio"]` → `["text"]`) is that medium; outputs not a list of names → None."""
    if not isinstance(outputs, list) or not outputs:
        return None
    names = {str(o).lower() for o in outputs}
    for medium in _MEDIA:
        if medium in names:
            return medium
    read = {str(i).lower() for i in inputs} if isinstance(inputs, list) and inputs else {TEXT}
    if TEXT not in read:
        return next((m for m in _MEDIA if m in read), None)
    return TEXT if names == {TEXT} else None


def of_litellm_mode(mode: Any) -> str | None:
    return TEXT if mode in _TEXT_MODES else None
