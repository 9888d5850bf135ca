// The one write path: view traits saved as one change, training actions return a frozen view to
// live first, Pause is `stop` on a kernel that knows it, `seen` survives a page with no comm.
import { describe, expect, it } from "vitest";
import { FakeModel, seedTraits } from "../testing/fakeModel";
import type { Traits } from "../model/types";
import { createCommands } from "./commands";

function setup(traits: Partial<Traits> = {}) {
  const model = new FakeModel(seedTraits(50, traits));
  const changes: string[] = [];
  for (const k of ["shown_index", "sample_seed", "walk"]) model.on(`change:${k}`, () => changes.push(`${k}@${model.saves}`));
  return { model, changes, commands: createCommands(model) };
}

describe("commands", () => {
  it("saves several view traits in the order given, as one change", () => {
    const { model, changes, commands } = setup();
    commands.save({ sample_seed: 7, walk: { start: "aaa", tokens: "ab" } });
    expect(model.get("sample_seed")).toBe(7);
    expect(model.get("walk")).toEqual({ start: "aaa", tokens: "ab" });
    expect(changes).toEqual(["sample_seed@0", "walk@0"]); // set first, then one save_changes
    expect(model.saves).toBe(1);
  });

  it("returns a frozen view to live before Step / Train / Play, not before Reset", () => {
    for (const cmd of ["step", "play"] as const) {
      const { model, commands } = setup({ shown_index: 2 });
      commands.act({ cmd });
      expect(model.get("shown_index")).toBe(-1);
      expect(model.commands()).toEqual([{ cmd }]);
    }
    const { model, commands } = setup({ shown_index: 2 });
    commands.act({ cmd: "reset" });
    expect(model.get("shown_index")).toBe(2);
    expect(model.saves).toBe(0);
  });

  it("sends Pause as stop to a kernel that knows `training`, as pause to an older one", () => {
    const newer = setup({ training: false });
    newer.commands.act({ cmd: "pause" });
    expect(newer.model.commands()).toEqual([{ cmd: "stop" }]);
    const older = setup({ training: undefined });
    older.commands.act({ cmd: "pause" });
    expect(older.model.commands()).toEqual([{ cmd: "pause" }]);
  });

  it("tells the kernel which step arrived, and stays quiet where there is no comm", () => {
    const { model, commands } = setup();
    commands.seen(12);
    expect(model.commands()).toEqual([{ cmd: "seen", step: 12 }]);
    model.send = () => {
      throw new Error("no comm");
    };
    expect(() => commands.seen(13)).not.toThrow();
  });
});
