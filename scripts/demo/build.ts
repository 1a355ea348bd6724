/**
 * The demo serves the production build (build/). `ensureBuilt` (scripts/serve.ts) builds it when it is missing;
 * the demo also rebuilds when the sources are newer than the build (DEMO_BUILD=auto, the default), so that a
 * pulled branch never demos stale code. DEMO_BUILD=always forces a build, DEMO_BUILD=never skips the check.
 * Two demos starting at once build only once (a lock directory).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const INPUTS = ["app", "vite.config.ts", "remix.config.js", "package-lock.json", "tsconfig.json"];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isFile() && /\.test\.tsx?$/.test(entry.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/** Why the build must be (re)made, or null when it is current. */
export function buildReason(root: string): string | null {
  const output = path.join(root, "build/server/index.js");
  if (!existsSync(output)) return "no build yet";
  const built = statSync(output).mtimeMs;
  const changed = INPUTS.find((input) => newestMtime(path.join(root, input)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ensureFreshBuild(
  root: string,
  mode = process.env.DEMO_BUILD ?? "auto",
): Promise<{ built: boolean; ms: number }> {
  const started = Date.now();
  if (mode === "never") {
    const { ensureBuilt } = await import("../serve");
    const had = existsSync(path.join(root, "build/server/index.js"));
    await ensureBuilt(root);
    return { built: !had, ms: Date.now() - started };
  }
  const lock = path.join(root, "node_modules/.cache/hala-demo-build.lock");
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another demo is building; a lock older than 5 minutes is left over from a killed build.
      if (waited === 0) console.log("Waiting for another demo's build…");
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    const reason = mode === "always" ? "DEMO_BUILD=always" : buildReason(root);
    if (!reason) return { built: false, ms: Date.now() - started };
    console.log(`Building the app (${reason})…`);
    const result = spawnSync("npx", ["remix", "vite:build"], {
      stdio: ["ignore", "pipe", "pipe"],
      cwd: root,
      encoding: "utf8",
    });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}`
        .split("\n")
        .filter((l) => !l.startsWith("npm warn"));
      const failure = output.findIndex((l) => /Build failed|error/i.test(l));
      const excerpt = output.slice(Math.max(0, failure), Math.max(0, failure) + 12).join("\n");
      throw new Error(`The build failed (npx remix vite:build, exit ${result.status}):\n${excerpt}`);
    }
    return { built: true, ms: Date.now() - started };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
