import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["js/**/*.test.ts", "tests/js/**/*.test.ts"],
    environment: "jsdom",
  },
});
