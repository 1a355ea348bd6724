import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { V8_FLAGS } from "../scripts/v8-flags";

// scripts/serve.ts (through scripts/v8-flags.ts) lowers V8's TurboFan threshold (V8_FLAGS) for the process that serves the app: a function
// called once per webhook is optimised after 150 calls instead of 3,000. Checked in a child process with V8's
// own view of a function (natives syntax): called 400 times, it is optimised only when serve.ts was loaded (with
// the earlier threshold of 500 it was not).

const dir = mkdtempSync(path.join(os.tmpdir(), "hala-v8-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = `
if (process.argv[2] === "serve") await import(${JSON.stringify(pathToFileURL(path.resolve("scripts/serve.ts")).href)});
function hot(x) { return (x * 2 + 1) % 7; }
let sum = 0;
for (let i = 0; i < 350; i++) sum += hot(i);
// TurboFan compiles in the background; the next calls pick its code up.
await new Promise((resolve) => setTimeout(resolve, 300));
for (let i = 0; i < 50; i++) sum += hot(i);
await new Promise((resolve) => setTimeout(resolve, 300));
const status = eval("%GetOptimizationStatus(hot)");
process.stdout.write(JSON.stringify({ optimized: (status & 16) !== 0, sum }));
`;

function optimisedAfter400Calls(loadServe: boolean): boolean {
  const file = path.join(dir, "hot.mjs");
  writeFileSync(file, SCRIPT);
  const child = spawnSync(
    process.execPath,
    ["--allow-natives-syntax", "--import", "tsx", file, loadServe ? "serve" : "plain"],
    { cwd: process.cwd(), encoding: "utf8", timeout: 60_000 },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return (JSON.parse(child.stdout) as { optimized: boolean }).optimized;
}

describe("serve()'s V8 flags", () => {
  it("lower the TurboFan threshold below V8's 3,000 calls and keep TurboFan to one compile thread", () => {
    const flags = Object.fromEntries(V8_FLAGS.split(" ").map((f) => f.replace(/^--/, "").split("=")));
    expect(Number(flags["invocation-count-for-turbofan"])).toBeLessThan(400);
    expect(flags["concurrent-turbofan-max-threads"]).toBe("1");
  });

  it("are all known to this Node's V8 (setFlagsFromString ignores a flag it does not know; the command line refuses it)", () => {
    for (const flag of [...V8_FLAGS.split(" "), "--no-such-v8-flag-for-hala"]) {
      const child = spawnSync(process.execPath, [flag, "-e", "0"], { encoding: "utf8", timeout: 30_000 });
      expect({ flag, ok: child.status === 0 }).toEqual({ flag, ok: !flag.includes("no-such") });
    }
  });

  it("take effect in the process that loads scripts/serve.ts, and only there", () => {
    expect(optimisedAfter400Calls(false)).toBe(false);
    expect(optimisedAfter400Calls(true)).toBe(true);
  }, 120_000);
});
