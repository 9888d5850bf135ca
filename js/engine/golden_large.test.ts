// @vitest-environment node
// The larger golden runs (64 states, 25,056 parameters): see golden.test.ts.
import { describeRuns } from "./golden_runs";

describeRuns(["v4c3", "v2c6", "d32_2layers"]);
