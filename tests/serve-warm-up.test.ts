import { rmSync } from "node:fs";
import { Server } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { serve } from "../scripts/serve";
import { writeStandInBuild } from "./helpers/stand-in-build";

// scripts/serve.ts runs the build's intake warm-up (app/services/warm-up.server.ts) before it listens, so the
// first webhook finds the intake's code compiled. A stand-in build records the call; the order of the warm-up
// and the server's listen() is checked.

const ENTRY = `
export const entry = {
  module: {
    default: () => new Response("stand-in"),
    warmUpThread(part) {
      globalThis.__halaCalls.push("warm-up:" + part);
      return { rounds: 1, replies: 0, ms: 0 };
    },
  },
};
`;

describe("serve()'s warm-up", () => {
  let root: string | undefined;
  let server: Server | undefined;
  const saved = process.env.HALA_WORKER_THREAD;
  afterEach(() => {
    server?.close();
    server = undefined;
    if (root) rmSync(root, { recursive: true, force: true });
    if (saved === undefined) delete process.env.HALA_WORKER_THREAD;
    else process.env.HALA_WORKER_THREAD = saved;
    vi.restoreAllMocks();
  });

  it("warms the intake up once, before the server listens", async () => {
    const calls: string[] = [];
    (globalThis as { __halaCalls?: string[] }).__halaCalls = calls;
    const listen = Server.prototype.listen;
    vi.spyOn(Server.prototype, "listen").mockImplementation(function (this: Server, ...args: unknown[]) {
      calls.push("listen");
      return (listen as (...a: unknown[]) => Server).apply(this, args);
    });
    root = writeStandInBuild("hala-warm-up-", ENTRY);
    process.env.HALA_WORKER_THREAD = "false";
    server = await serve({ port: 0, root });
    expect(calls).toEqual(["warm-up:intake", "listen"]);
    expect(server.listening).toBe(true);
  });
});
