/**
 * `npm run test:e2e` (`tsx tests/e2e/run.ts [name filter]`): the browser tests. Needs Chromium
 * (`apt-get install -y chromium`, or CHROMIUM_PATH). Prints `N passed, N failed` last; exit code 1 on failure.
 */
import { existsSync } from "node:fs";
import { run } from "./harness";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(`Chromium not found at ${chromium}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

await import("./simulator.e2e");
await import("./admin.e2e");
const { passed, failed } = await run({ filter: process.argv[2] });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
