// Key to the drawing: how edges encode probability, and the mark of states not in the data.

export class Legend {
  readonly el: HTMLDivElement;
  private readonly unseen: HTMLSpanElement;

  constructor() {
    this.el = document.createElement("div");
    this.el.className = "bg-legend";
    const edges = document.createElement("span");
    edges.className = "bg-legend-edges";
    edges.textContent = "edge t(p%): next token t with probability p; thicker = likelier";
    this.unseen = document.createElement("span");
    this.unseen.className = "bg-legend-unseen";
    const mark = document.createElement("span");
    mark.className = "bg-legend-mark";
    mark.setAttribute("aria-hidden", "true");
    this.unseen.append(mark, document.createTextNode("not in the data: the model's own guess"));
    this.el.append(edges, this.unseen);
    this.setUnseen(false);
  }

  /** The unseen-state note only appears when some state is unseen. */
  setUnseen(any: boolean): void {
    this.unseen.hidden = !any;
  }
}
