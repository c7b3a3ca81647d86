"""Agreement of the written-answer scorer with a labelled set, with and without the model.

    PYTHONPATH=platform .venv/bin/python bench/written_answers.py [--rules-only] [--verbose]

For each task type (prompt rewrite, error spotting) prints the number of labelled answers,
exact-point and within-one agreement, which path decided (rule-based zero, rules, the
model's opinion, review below the default confidence threshold 0.6) and any adversarial
answer (copied, keyword list, negation) scoring above 1 point without review. The baseline
in the same run: the rules alone (no model). The labelled set is
tests/assessments/written_answers.py; tests/assessments/test_written_scoring.py asserts the
targets (>= 80% within one point; no adversarial leak).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "tests" / "assessments")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

import written_answers  # noqa: E402

from slm import runtime  # noqa: E402


def report(name: str, figures: dict, verbose: bool) -> None:
    paths = ", ".join(f"{k} {v / figures['n']:.0%}" for k, v in figures["paths"].items())
    print(
        f"  {name:<15} n={figures['n']:<3} exact {figures['exact']:.0%}  "
        f"within one {figures['within_one']:.0%}  decided by: {paths}  "
        f"adversarial leaks: {len(figures['leaks'])}"
    )
    if verbose:
        for miss in figures["misses"]:
            print("     miss:", miss)
        for near in figures["off_by_one"]:
            print("     off by one:", near)
        for leak in figures["leaks"]:
            print("     leak:", leak)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    sets = {
        "prompt rewrite": written_answers.PROMPT_REWRITE,
        "error spotting": written_answers.ERROR_SPOTTING,
    }
    print("rules alone (baseline):")
    for name, entries in sets.items():
        report(name, written_answers.agreement(entries, None), args.verbose)
    if args.rules_only:
        return
    embedder = runtime.get_embedder()
    print(f"rules + model ({embedder.spec.name}):")
    for name, entries in sets.items():
        report(name, written_answers.agreement(entries, embedder.embed), args.verbose)


if __name__ == "__main__":
    main()
