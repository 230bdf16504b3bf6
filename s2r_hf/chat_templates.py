"""Chat templates, in one place (the prompts they wrap live in :mod:`s2r_hf.prompts`).

Why: the ChatML template is production data, not test scaffolding: training falls back to it for models whose
own template lacks ``{% generation %}`` markers (``sft_data.training_template``), and the built-in tiny judge
(``synthetic.tiny_judge``) ships it. Import :data:`CHATML_TEMPLATE` from here; never paste the string.
"""

from __future__ import annotations

__all__ = ["CHATML_END", "CHATML_START", "CHATML_TEMPLATE"]

CHATML_START = "<|im_start|>"
"""Opens a ChatML turn (followed by the role and a newline)."""
CHATML_END = "<|im_end|>"
"""Closes a ChatML turn: the end-of-turn token a chat model stops on."""

CHATML_TEMPLATE = (
    "{%- for message in messages %}"
    "{%- if message['role'] == 'assistant' %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- generation %}{{- message['content'] + '<|im_end|>' }}{%- endgeneration %}"
    "{{- '\\n' }}"
    "{%- else %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)
"""ChatML template (Qwen style, no default system message) with TRL's ``{% generation %}`` markers around the
assistant turn, so assistant-only loss can mask everything else."""
