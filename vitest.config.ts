import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

/**
 * Projects:
 * - unit: pure code, tests beside the source, no services;
 * - integration (embedded): tests/ on PGlite in memory + the in-process cache — always;
 * - integration (services): the same tests on real PostgreSQL + Redis — when DATABASE_URL and REDIS_URL are
 *   set (CI sets them; see .ci/run).
 */
const integration = (name: string, env: Record<string, string>) => ({
  extends: true as const,
  test: {
    name,
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/e2e/**", "tests/resilience/**"],
    environment: "node" as const,
    env,
    setupFiles: ["tests/setup/msw.ts", "tests/setup/env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});

const services = process.env.DATABASE_URL && process.env.REDIS_URL;

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["app/**/*.test.ts", "app/**/*.test.tsx"], environment: "node" },
      },
      integration("integration:embedded", { DATABASE_URL: "", REDIS_URL: "", PGLITE_DATA_DIR: "memory://" }),
      ...(services
        ? [
            integration("integration:services", {
              DATABASE_URL: process.env.DATABASE_URL!,
              REDIS_URL: process.env.REDIS_URL!,
            }),
          ]
        : []),
    ],
  },
});
