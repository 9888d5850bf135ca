// The pure decode of the small traits: defaults for missing or malformed values, stale errors
// dropped, the temperature and reach k as each user of them needs them.
import { describe, expect, it } from "vitest";
import { CONTROL_NAMES } from "../model/types";
import type { Traits } from "../model/types";
import { decodeView } from "./viewState";

const from = (t: Partial<Record<keyof Traits, unknown>>) => <K extends keyof Traits>(k: K) => t[k] as Traits[K];

describe("decodeView", () => {
  it("fills in defaults for an empty model", () => {
    const s = decodeView(from({}));
    expect(s).toMatchObject({
      layout: "circular",
      shownIndex: -1,
      globalStep: 0,
      temperature: 1,
      drawnTemperature: 1,
      reachK: 10,
      analysisK: 10,
      sampleStart: "",
      sampleN: 20,
      sampleSeed: 0,
      trainN: 50,
      errors: {},
      sequence: "",
      playSpeed: undefined,
    });
    expect(s.loss).toBeNaN();
    expect([...s.visible]).toEqual([...CONTROL_NAMES]);
  });

  it("keeps what Python set, and repairs what cannot be drawn", () => {
    const s = decodeView(
      from({ graph_layout: "force", temperature: -2, reach_k: 5000.4, loss: null, controls: ["play"], play_speed: 0, sample_n: Infinity }),
    );
    expect(s.layout).toBe("force");
    expect(s.temperature).toBe(-2); // as set (the compared runs pass it on) ...
    expect(s.drawnTemperature).toBe(1); // ... drawn as 1
    expect(s.reachK).toBe(5000);
    expect(s.analysisK).toBe(1000);
    expect(s.loss).toBeNaN();
    expect([...s.visible]).toEqual(["play"]);
    expect(s.playSpeed).toBe(0);
    expect(s.sampleN).toBe(20);
  });

  it("drops the errors the saved state carried when the view opened, shows new ones", () => {
    const stale = { lr: "lr: from an earlier session" };
    expect(decodeView(from({ errors: stale }), stale).errors).toEqual({});
    const fresh = { lr: "lr: must be > 0" };
    expect(decodeView(from({ errors: fresh }), stale).errors).toBe(fresh);
  });
});
