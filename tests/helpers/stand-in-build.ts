import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The exports of a Remix server build that `serve()` (scripts/serve.ts) reads, besides `entry`. */
export const SERVER_BUILD_EXPORTS = `
export const routes = {};
export const assets = { entry: { module: "", imports: [] }, routes: {}, url: "", version: "1" };
export const publicPath = "/";
export const assetsBuildDirectory = "build/client";
export const future = {};
export const isSpaMode = false;
export const mode = "production";
`;

/**
 * A folder holding a stand-in build (build/server/index.js = `entrySource` + SERVER_BUILD_EXPORTS, an empty
 * build/client) for `serve({ root })`. The caller removes it.
 */
export function writeStandInBuild(prefix: string, entrySource: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  mkdirSync(path.join(root, "build/server"), { recursive: true });
  mkdirSync(path.join(root, "build/client"), { recursive: true });
  writeFileSync(path.join(root, "build/server/index.js"), entrySource + SERVER_BUILD_EXPORTS);
  return root;
}
