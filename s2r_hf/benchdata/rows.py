"""Row readers: one per answer layout, a benchmark row → (question, gold, multiple choice?), plus the option
texts of a multiple-choice row.

Each reader accepts the columns of the benchmark's Hub copy *and* of the local files the paper's own evaluation
reads (github.com/IDEA-FinAI/Select2Reason ``eval.py`` + ``utils/parser.py``: ``eval_data/<key>/test.jsonl``,
mostly Qwen2.5-Math's ``evaluation/data/<key>/test.jsonl``), which name some columns differently (AMC23 and
Kaoyan: ``problem``; AIME25: ``question``; GaokaoMathQA: ``options`` dict + ``label``). A reader raises
(KeyError, …) on a row of another layout; :func:`s2r_hf.benchdata.problems.read_problem` turns that into one
line naming the row.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import re

LETTERS = "ABCDEFGHIJ"  # the option letters the grader reads (A to J)
QUESTION_COLUMNS = ("problem", "question", "Problem", "Question")  # the question column, in the order tried


def _text(row: dict, *columns: str) -> str:
    """The first of ``columns`` the row has (copies of one benchmark name the question column differently)."""
    for column in columns:
        value = row.get(column)
        if isinstance(value, (dict, list)):
            raise TypeError(f"column {column!r} holds a {type(value).__name__}, not the question's text")
        if value is not None and str(value).strip():
            return str(value).strip()
    raise KeyError(f"none of the columns {', '.join(columns)} in a row with columns {', '.join(row)}")


def _required(row: dict, *columns: str):
    """The value of the first of ``columns`` the row fills; "" when the row has such a column but leaves it empty
    (null, blank: Gaokao2023en has two such golds, kept and graded wrong); KeyError when it has none of them
    (another layout)."""
    for column in columns:
        value = row.get(column)
        if value is not None and not (isinstance(value, str) and not value.strip()) and value == value:  # NaN: empty
            return value
    if any(column in row for column in columns):
        return ""
    raise KeyError(f"no {' or '.join(repr(c) for c in columns)} value")


def _first(value):
    """``value[0]`` for a list-like value (list, tuple, numpy array), else ``value`` itself."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        return value
    return value[0] if len(value) else ""


def _number(value):
    """A gold answer as text: 27.0 / "27.0" → "27" (AMC23 copies store floats), other values unchanged. A dict
    or list (Kaoyan's sub-answers) stays one: :func:`read_problem` lists it as ungradable."""
    if isinstance(value, (dict, list, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    return text


def problem_answer(row: dict) -> tuple[str, str, bool]:  # AIME24, AIME25, AMC23, MATH-500, Kaoyan
    return _text(row, *QUESTION_COLUMNS), _number(_required(row, "answer", "Answer")), False


def question_answer(row: dict) -> tuple[str, str, bool]:  # Gaokao2023en (answers in $…$)
    gold = _number(_required(row, "answer"))
    return _text(row, "question", "problem"), gold.replace("$", "").strip() if isinstance(gold, str) else gold, False


def olympiadbench(row: dict) -> tuple[str, str, bool]:
    """Gold = the first final answer (as Qwen2.5-Math and Select2Reason grade), its outer $ stripped."""
    final = _required(row, "final_answer")
    if isinstance(final, str) and final.strip().startswith("["):  # a list stored as its repr
        with contextlib.suppress(ValueError, SyntaxError):
            final = ast.literal_eval(final.strip())
    first = _first(final)
    if isinstance(first, (dict, list)):  # a nested list or an object: listed as ungradable by read_problem
        return _text(row, "question", "problem"), first, False
    return _text(row, "question", "problem"), str(first).strip().strip("$").strip(), False


def _letters(value, column: str, options: dict | None = None) -> str:
    """A multiple-choice gold as option letters ("B", "(B)", "AD"); "" when empty. A number or another text is
    a ValueError naming the column: graded as a letter it could never be matched."""
    text = str(value).strip().strip("()").upper()
    if text and (not re.fullmatch(r"[A-J]+", text) or (options and not set(text) <= set(options))):
        known = f" (options {', '.join(options)})" if options else ""
        raise ValueError(f"{column} {value!r} is no option letter{known}; write the letter of the right option")
    return text


def gaokao2024_mix(row: dict) -> tuple[str, str, bool]:
    """Multiple-choice rows carry the letter in ``choice_answer`` ("" otherwise); gold = the letter if any."""
    choice = _letters(row.get("choice_answer") or "", "choice_answer")
    return _text(row, "question", "problem"), choice or _number(_required(row, "answer")), bool(choice)


def gaokao2024_mix_options(row: dict) -> dict[str, str] | None:
    """The gold option's text (``answer``, e.g. "C. {x | -3<x<4}" → "{x | -3<x<4}"): what Select2Reason also
    accepts in the box; the other options' texts are only in the question."""
    choice = str(row.get("choice_answer") or "").strip()
    if not choice:
        return None
    letter = re.escape(choice)
    text = re.sub(rf"^(?:\({letter}\)|{letter}\s*[.:：、])\s*", "", str(row.get("answer") or "").strip())
    return {choice: text} if text else None


def _option(text, index: int) -> tuple[str, str]:
    """ "(A)$x$" / "A. x" → ("A", "$x$"); an unlabelled option gets the letter of its position."""
    text = str(text).strip()
    m = re.match(r"^\(([A-J])\)\s*(.*)$", text, re.DOTALL) or re.match(r"^([A-J])\s*[.:：、]\s*(.*)$", text, re.DOTALL)
    return (m.group(1), m.group(2).strip()) if m else (LETTERS[index], text)


def _options(raw, column: str) -> dict[str, str]:
    """{letter: text} of a row's options: a dict as is (`datasets` gives every row the union of keys, so a
    4-option row gets "E": None), a list of "(A)text" / "text" entries by position."""
    if isinstance(raw, dict):
        return {str(k).strip(): str(v).strip() for k, v in raw.items() if v is not None}
    if not isinstance(raw, (list, tuple)):
        raise TypeError(f"{column!r} must be a list or a dict of option texts, got {type(raw).__name__} {raw!r:.40}")
    if len(raw) > len(LETTERS):
        raise ValueError(f"{column!r} holds {len(raw)} options; the grader reads at most {len(LETTERS)} (A to J)")
    return dict(_option(text, i) for i, text in enumerate(raw))


def _gaokao_math_qa_parts(row: dict) -> tuple[str, dict[str, str], str]:
    """GaokaoMathQA (AGIEval gaokao-mathqa, 351 four-option questions) in any of its three layouts →
    (question, {letter: option text}, gold letter).

    * Qwen2.5-Math / Select2Reason ``test.jsonl``: ``question``, ``options`` {"A": text, …}, ``label`` "B" (or ["B"]);
    * AGIEval's raw jsonl: ``passage``, ``question``, ``options`` ["(A)text", …], ``label`` "B";
    * ``hails/agieval-gaokao-mathqa`` (lm-eval's copy): ``choices`` ["(A)text", …], ``gold`` [1], ``query`` =
      "问题：… 选项：(A)… (B)…\\n答案：从A到D, 我们应选择" (AGIEval's zero-shot prompt).
    """
    if "query" in row and "choices" in row:
        query = str(row["query"])
        query = query.split("\n答案：")[0]
        cut = query.rfind("选项：")
        question = query[:cut] if cut >= 0 else query
        question = question.replace("问题：", "", 1)
        options = _options(row["choices"], "choices")
        golds = _required(row, "gold")
        golds = [golds] if isinstance(golds, (str, int)) or not hasattr(golds, "__len__") else list(golds)
        if any(str(g).isdigit() and int(g) >= len(options) for g in golds):
            raise ValueError(f"gold {golds} names no option: 'choices' has {len(options)} (gold counts from 0)")
        label = "".join(LETTERS[int(g)] if str(g).isdigit() else str(g) for g in golds)  # several = multi-select
        return question.strip(), options, _letters(label, "gold", options)
    question = (str(row.get("passage") or "") + str(row["question"])).strip()
    options = _options(row["options"], "options")
    label = _required(row, "label")
    if not isinstance(label, str) and hasattr(label, "__len__"):  # ["A", "D"]: a multi-select key
        label = "".join(str(letter).strip().strip("()") for letter in label)
    return question.strip(), options, _letters(label, "label", options)


def gaokao_math_qa(row: dict) -> tuple[str, str, bool]:
    """Prompt as Select2Reason's ``parse_question``: the question, then one "A: text" line per option."""
    question, options, label = _gaokao_math_qa_parts(row)
    listed = "\n".join(f"{key}: {text}" for key, text in options.items())
    return f"{question}\n{listed}", label, True


def gaokao_math_qa_options(row: dict) -> dict[str, str]:
    return _gaokao_math_qa_parts(row)[1]


def _gpqa_order(row: dict) -> list[str]:
    """The four answers in an order fixed by the question text (GPQA stores the correct answer first)."""
    options = [row["Correct Answer"], row["Incorrect Answer 1"], row["Incorrect Answer 2"], row["Incorrect Answer 3"]]
    shift = int(hashlib.sha256(row["Question"].encode("utf-8")).hexdigest(), 16) % 4
    return [str(text).strip() for text in options[shift:] + options[:shift]]


def gpqa(row: dict) -> tuple[str, str, bool]:
    """Options in :func:`_gpqa_order`. Select2Reason's own GPQA file instead has ``question`` (options inside)
    and ``choice_answer`` (the letter)."""
    if "Question" not in row:
        return _text(row, "question", "problem"), str(_required(row, "choice_answer")).strip(), True
    order = _gpqa_order(row)
    listed = "\n".join(f"({LETTERS[i]}) {text}" for i, text in enumerate(order))
    return f"{row['Question'].strip()}\n\n{listed}", LETTERS[order.index(str(row["Correct Answer"]).strip())], True


def gpqa_options(row: dict) -> dict[str, str] | None:
    return dict(zip(LETTERS, _gpqa_order(row), strict=False)) if "Question" in row else None
