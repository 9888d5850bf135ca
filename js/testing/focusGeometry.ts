// The focus view's checks, for tests (they live with the layout, which uses them too).
export { drawnShapes, focusProblems } from "../drawing/focus/focusCheck";
