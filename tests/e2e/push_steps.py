"""The Push panel's Teach, as a learner does it (shared by the kernel and saved-page tests): a
row that does not sum to 1 is refused inline with Python's message; then two hand-set rows
(000: 90/10, 111: 20/80) taught for 60 steps from step 50."""

from __future__ import annotations

from typing import Callable

from playwright.sync_api import expect

BAD_ROW = "targets['000']: the row's probabilities must sum to 1; they sum to 1.1"


def set_row(push, state: str, percents: list[str]) -> None:
    """The state's hand-set row (added when missing), its percentages typed in token order."""
    row = push.locator(f'.bg-push-row[data-state="{state}"] input')
    if row.count() == 0:
        push.locator('select[data-field="teach_add"]').select_option(state)
        push.locator('button[data-action="teach-add"]').click()
    for i, p in enumerate(percents):
        row.nth(i).fill(p)


def refuse_then_teach(push, refused: Callable[[], None] = lambda: None, timeout: float = 30_000) -> None:
    """A bad row refused (then `refused()` checks nothing changed), then two rows taught 60 steps."""
    set_row(push, "000", ["90", "20"])
    push.locator('button[data-action="teach"]').click()
    expect(push.locator('[data-error-for="teach"]')).to_have_text(BAD_ROW)
    refused()
    set_row(push, "000", ["90", "10"])
    set_row(push, "111", ["20", "80"])
    push.locator('input[data-field="teach_steps"]').fill("60")
    push.locator('button[data-action="teach"]').click()
    expect(push.locator('[data-role="push-head"]')).to_have_text("taught for 60 steps (step 50 → 110, lr 0.003)",
                                                                 timeout=timeout)
    expect(push.locator('[data-error-for="teach"]')).to_have_text("")
