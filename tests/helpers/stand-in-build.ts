import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { serve } from "../../scripts/serve";

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

/**
 * `serve()` (scripts/serve.ts) on stand-in builds, closed and removed after each test, with the environment
 * variables a test sets through `start` restored. Call at the top of a describe block.
 */
export function standInServers() {
  let root: string | undefined;
  let server: Server | undefined;
  const saved = new Map<string, string | undefined>();
  afterEach(() => {
    server?.close();
    server = undefined;
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    saved.clear();
  });
  return {
    async start(prefix: string, entrySource: string, env: Record<string, string>, port = 0): Promise<Server> {
      for (const [key, value] of Object.entries(env)) {
        if (!saved.has(key)) saved.set(key, process.env[key]);
        process.env[key] = value;
      }
      root = writeStandInBuild(prefix, entrySource);
      server = await serve({ port, root });
      return server;
    },
  };
}
