// anywidget entry point (anywidget >= 0.9: `export default { render }`).
import type { AnyModel } from "@anywidget/types";
import { mount } from "./app/app";
import type { Traits, WidgetModel } from "./model/types";

function render({ model, el }: { model: AnyModel<Traits>; el: HTMLElement }): () => void {
  const mounted = mount(el, model as unknown as WidgetModel);
  return () => mounted.destroy();
}

export default { render };
