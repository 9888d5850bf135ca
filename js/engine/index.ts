// The in-browser babyGPT engine: train the seed's model in a page, numerically the Python
// engine's own computation (see README.md in this folder).

export { BabyGPTEngine, TrainingDivergedError, BETA1, BETA2, EPS } from "./engine";
export type { OptimizerState } from "./engine";
export { EngineConfigError, validateSettings, validateTeach, MAX_STATES, MAX_EDGES, MAX_TAUGHT_STATES } from "./config";
export type { ModelShape, RunSettings, TeachSpec } from "./config";
export { makeLayout, parameterCount } from "./layout";
export type { Layout, ParamSpec } from "./layout";
export { ContextSpace, dataCounts } from "./space";
export { encodeState, decodeState, STATE_FORMAT } from "./state_io";
export type { EngineState } from "./state_io";
export type { ForwardTrace } from "./model/trace";
export { initialWeights } from "./init";
export { fnv1a } from "./checksum";
