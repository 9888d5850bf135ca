"""step_report(k): what one optimizer step did (issue 23 §1), against one training step.

Target (issue 23): <= 10 ms for one step's report at the default size. Measured two ways: the
report of the step just trained (its step k-1 is rebuilt by replay from the nearest weight
snapshot: the usual case while a learner steps), and a repeated report of the same step (the
rebuilt model is cached).
"""

from __future__ import annotations

import torch

from babygpt_widget import BabyGPT
from common import finish, header, interleaved, target


def main() -> None:
    torch.set_num_threads(1)
    header("step_report(k) against one training step (default model, step 50 onwards)")
    run = BabyGPT()
    run.train(50)
    n = 20

    def train_step() -> int:
        run.train(n)
        return n

    def fresh_report() -> int:
        for _ in range(n):
            run.train(1)
            run.step_report()
        return n

    def cached_report() -> int:
        for _ in range(n):
            run.step_report()
        return n

    t = interleaved({"step": train_step, "fresh": fresh_report, "cached": cached_report})
    fresh = t["fresh"] - t["step"]  # the loop trained a step too
    print(f"one training step                 {t['step'] * 1e3:8.2f} ms")
    print(f"report of the step just trained   {fresh * 1e3:8.2f} ms = {fresh / t['step']:.1f} training steps"
          + target("step_report: the step just trained", fresh * 1e3, 10, at_most=True, unit=" ms"))
    print(f"the same step's report again      {t['cached'] * 1e3:8.2f} ms = {t['cached'] / t['step']:.1f} training steps"
          + target("step_report: a repeated report", t["cached"] * 1e3, 10, at_most=True, unit=" ms"))


if __name__ == "__main__":
    main()
    finish()
