"""The prompts, in one place.

The judge prompt is the reference code's wording (SPEC §2). The reasoning system prompt is shared by
training and evaluation: the reference code trained with one prompt and evaluated with another, which
SPEC §5 calls out as a defect we must not repeat. Import these constants; never paste the strings.
"""

from __future__ import annotations

import hashlib

JUDGE_SYSTEM_PROMPT = "Please judge the difficulty of this instruction and return 1 if difficult or 0 if not."
REASONING_SYSTEM_PROMPT = "Please reason step by step, and put your final answer within \\boxed{}."


def judge_messages(problem: str, system_prompt: str = JUDGE_SYSTEM_PROMPT) -> list[dict[str, str]]:
    """Chat messages the judge reads: the system instruction, then the question alone (no answer, no trace)."""
    return [{"role": "system", "content": system_prompt}, {"role": "user", "content": problem}]


def prompt_hash(text: str) -> str:
    """Short stable hash of a prompt, used in score-cache keys and manifests."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
