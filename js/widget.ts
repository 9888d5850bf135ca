// anywidget entry point (anywidget >= 0.9: `export default { render }`).
import type { AnyModel } from "@anywidget/types";
import { mount } from "./app/app";
import type { Traits, WidgetModel } from "./model/types";
import { trainingModel } from "./page/exportedPage";
import type { AnyModelLike } from "./page/exportedPage";

function render({ model, el }: { model: AnyModel<Traits>; el: HTMLElement }): () => void {
  // an html-manager page (nbconvert --to html) with the run's saved state trains in the page
  const local = trainingModel(model as unknown as AnyModelLike);
  const mounted = mount(el, local.model as unknown as WidgetModel);
  return () => {
    mounted.destroy();
    local.destroy();
  };
}

export default { render };
