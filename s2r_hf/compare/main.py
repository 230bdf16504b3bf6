"""`s2r compare SEL SEL [SEL ...] --output-dir DIR`: read each selection, compare, write, log a short summary.

s2r compare out/s2r10 out/random10 me/OpenR1-Math-S2R-10pct --output-dir out/compare
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path

from s2r_hf.compare.options import CompareArguments, parse_compare

logger = logging.getLogger(__name__)

JSON_FILE, MD_FILE, PNG_FILE = "compare.json", "compare.md", "compare.png"


def main(args: CompareArguments) -> dict:
    """Compare ``args.selections`` and write the three files; returns the JSON object written."""
    from s2r_hf.compare import read, report, stats
    from s2r_hf.io import atomic_write_json, atomic_write_text
    from s2r_hf.manifest import public_path
    from s2r_hf.outputs import COMPARE, options_fingerprint, prepare

    local = [s for s in args.selections if Path(s).expanduser().exists()]
    fingerprint = options_fingerprint({k: v for k, v in asdict(args).items() if k not in ("output_dir", "overwrite")})
    # the folder first: an unwritable one, or one inside a selection, fails before any download
    out = prepare(
        args.output_dir, COMPARE, overwrite=args.overwrite, fingerprint=fingerprint, inputs={"selections": local}
    )
    shown = [public_path(s) if s in local else s for s in args.selections]  # written files name no absolute path
    selections = [
        read.load_selection(spec, label, source)
        for spec, label, source in zip(args.selections, read.labels_for(shown), shown, strict=True)
    ]
    read.borrow_measures(selections)
    result = stats.compare(selections, bins=args.bins, top=args.top_categories)
    for warning in result["warnings"]:
        logger.warning("%s", warning)
    report.figure(out / PNG_FILE, result)
    atomic_write_text(out / MD_FILE, report.markdown(result, PNG_FILE))
    atomic_write_json(out / JSON_FILE, result)  # last: its presence marks a complete output
    log_summary(result, out)
    return result


def log_summary(result: dict, out: Path) -> None:
    """The closing console lines: rows per selection, each pair's overlap."""
    for sel in result["selections"]:
        tokens = result["tokens"][sel["label"]]
        ranked_by = ", ".join(str(v) for v in (sel["signals"], sel["difficulty_scorer"]) if v)
        logger.info(
            "%s: %s%s, %d rows, %s %s",
            sel["label"],
            sel["strategy"],
            f" ({ranked_by})" if ranked_by else "",
            sel["rows"],
            f"{tokens['length_sum']:,}" if tokens["length_sum"] is not None else "?",
            tokens["length_unit"],
        )
    for pair in result["overlap"]:
        logger.info("%s ∩ %s: %d shared ids (Jaccard %.3f)", pair["a"], pair["b"], pair["shared"], pair["jaccard"])
    logger.info("wrote %s, %s, %s → %s", MD_FILE, JSON_FILE, PNG_FILE, out)


def cli(argv: list[str]) -> None:
    main(parse_compare(argv))
