// The page's model: anywidget's contract (Backbone semantics) and the one path of commands to a host.
import { describe, expect, it } from "vitest";
import { NoKernelHost, SAVED_PAGE } from "./host";
import type { HostPort, PageHost } from "./host";
import { PageModel, sameValue } from "./pageModel";

class RecordingHost implements PageHost {
  commands: unknown[] = [];
  views: Record<string, unknown>[] = [];
  destroyed = false;
  constructor(readonly port: HostPort) {}
  command(content: unknown): void {
    this.commands.push(content);
  }
  viewChanged(values: Record<string, unknown>): void {
    this.views.push(values);
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function make(traits: Record<string, unknown> = { shown_index: -1, naughty: [], walk: {} }) {
  let host: RecordingHost | null = null;
  const model = new PageModel(traits, (port) => (host = new RecordingHost(port)));
  return { model, host: host! };
}

describe("PageModel", () => {
  it("set fires change:<key> then change, only when the value differs (deep, like Backbone)", () => {
    const { model } = make();
    const seen: string[] = [];
    model.on("change:naughty", () => seen.push("naughty"));
    model.on("change:shown_index", () => seen.push("shown"));
    model.on("change", () => seen.push("change"));
    model.set("naughty", []); // equal: nothing
    model.set("naughty", ["000"]);
    model.set("shown_index", 3);
    model.set({ shown_index: 3, naughty: ["000"] }); // equal again
    expect(seen).toEqual(["naughty", "change", "shown", "change"]);
    expect(model.get("naughty")).toEqual(["000"]);
  });

  it("save_changes hands the view's changed traits to the host once", () => {
    const { model, host } = make();
    model.set("shown_index", 5);
    model.set("walk", { start: "111", tokens: "01" });
    model.save_changes();
    model.save_changes(); // nothing new
    expect(host.views).toEqual([{ shown_index: 5, walk: { start: "111", tokens: "01" } }]);
  });

  it("send goes to the host; the host's replies arrive as msg:custom and its updates as changes", () => {
    const { model, host } = make();
    const msgs: unknown[] = [];
    const steps: unknown[] = [];
    model.on("msg:custom", (c) => msgs.push(c));
    model.on("change:global_step", () => steps.push(model.get("global_step")));
    model.send({ cmd: "step" });
    expect(host.commands).toEqual([{ cmd: "step" }]);
    host.port.reply({ reply: "step", ok: true });
    host.port.update({ global_step: 51 });
    expect(msgs).toEqual([{ reply: "step", ok: true }]);
    expect(steps).toEqual([51]);
    model.save_changes();
    expect(host.views).toEqual([]); // a host's own update is not the view's to save
  });

  it("off follows Backbone: by event, by callback, or all", () => {
    const { model } = make();
    let n = 0;
    const a = (): void => void n++;
    const b = (): void => void (n += 10);
    model.on("change:shown_index", a);
    model.on("change:naughty", a);
    model.on("change:naughty", b);
    model.off(null, a);
    model.set({ shown_index: 1, naughty: ["1"] });
    expect(n).toBe(10);
    model.off("change:naughty");
    model.set("naughty", ["2"]);
    expect(n).toBe(10);
  });

  it("destroy tells the views, then stops the host; later sends go nowhere", () => {
    const { model, host } = make();
    let destroyed = 0;
    model.on("destroy", () => destroyed++);
    model.destroy();
    model.send({ cmd: "hello" });
    expect(destroyed).toBe(1);
    expect(host.destroyed).toBe(true);
    expect(host.commands).toEqual([]);
  });

  it("binary values compare by identity, JSON by value", () => {
    const dv = new DataView(new ArrayBuffer(4));
    expect(sameValue(dv, dv)).toBe(true);
    expect(sameValue(dv, new DataView(new ArrayBuffer(4)))).toBe(false);
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue(NaN, NaN)).toBe(true);
  });
});

describe("NoKernelHost", () => {
  it("answers hello, a microtask later, with no_kernel; other commands get no answer", async () => {
    const replies: unknown[] = [];
    const model = new PageModel({}, (port) => new NoKernelHost(port));
    model.on("msg:custom", (c) => replies.push(c));
    model.send({ cmd: "explain", state: "000", step: null });
    model.send({ cmd: "hello" });
    expect(replies).toEqual([]); // not synchronously: a comm never answers inside send
    await Promise.resolve();
    expect(replies).toEqual([{ reply: "hello", ok: true, no_kernel: SAVED_PAGE }]);
  });
});
