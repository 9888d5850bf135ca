"""`python -m babygpt_widget page out.html [--run-string S] [--title T]`: a standalone page.

Errors (a bad run string, a path that cannot be written) print one line naming the field and
exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys

from .widget.publish import DEFAULT_TITLE

DESCRIPTION = """\
babyGPT as a Markov chain, from the command line.

  page   write a standalone page: one self-contained HTML file (about 1 MB, no network needed)
         that shows a babyGPT run and trains it in the reader's browser. Put it on any static
         web host, or open it from disk."""

PAGE_HELP = """\
Write a standalone page: one self-contained HTML file that needs no network and no Python to open.
It shows the run's chain, loss curve and history, and trains in the browser (Step, Train xN, Play,
Reset) with the same arithmetic as Python's engine.

examples:
  python -m babygpt_widget page babygpt.html
  python -m babygpt_widget page lecture.html --title "Lecture 3: a GPT is a Markov chain" \\
      --run-string 'babygpt2:seq=111101111011110;alphabet=01;C=3;layers=4;heads=4;embd=16;lr=0.001;wd=0.1;seed=1337;steps=50'"""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m babygpt_widget", description=DESCRIPTION,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    page = sub.add_parser("page", help="write a standalone page that trains in the browser", description=PAGE_HELP,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    page.add_argument("path", metavar="OUT.html", help="the file to write (its folder must exist; replaced if there)")
    page.add_argument("--run-string", metavar="S", default=None,
                      help="open at this run (a widget's or BabyGPT's run_string, e.g. copied from the notebook); "
                           "rebuilt here step by step, history included. Default: the seed's experiment at step 0")
    page.add_argument("--title", metavar="T", default=None, help=f"the page's heading and title (default: {DEFAULT_TITLE!r})")
    page.add_argument("--quiet", action="store_true", help="print nothing on success")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .widget.publish import write_page  # torch is imported here, after --help has answered

    try:
        saved = write_page(args.path, run_string=args.run_string, title=args.title,
                           progress=(lambda done, total: print(f"\rrebuilding the run: {done:,} / {total:,} steps",
                                                               end="\n" if done == total else "", file=sys.stderr,
                                                               flush=True)) if not args.quiet else False)
    except ValueError as e:
        print(f"python -m babygpt_widget page: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m babygpt_widget page: interrupted; nothing written", file=sys.stderr)
        return 130
    if not args.quiet:
        print(f"wrote {saved.path}: {saved.bytes / 1e6:.2f} MB, {saved.kept_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
