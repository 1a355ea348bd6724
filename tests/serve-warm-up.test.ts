import { Server } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { standInServers } from "./helpers/stand-in-build";

// scripts/serve.ts runs the build's warm-up (app/services/warm-up.server.ts) before it listens, so the first
// webhook finds the intake's code compiled: the intake's part, or the workers' (which includes the intake's) when
// the workers run in the same thread. A stand-in build records the call; the order of the warm-up and the
// server's listen() is checked.

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
  const servers = standInServers();
  afterEach(() => vi.restoreAllMocks());

  function recordCalls(): string[] {
    const calls: string[] = [];
    (globalThis as { __halaCalls?: string[] }).__halaCalls = calls;
    const listen = Server.prototype.listen;
    vi.spyOn(Server.prototype, "listen").mockImplementation(function (this: Server, ...args: unknown[]) {
      calls.push("listen");
      return (listen as (...a: unknown[]) => Server).apply(this, args);
    });
    return calls;
  }

  it("warms the intake up once, before the server listens, when the workers run elsewhere", async () => {
    const calls = recordCalls();
    const server = await servers.start("hala-warm-up-", ENTRY, {
      HALA_WORKER_THREAD: "false",
      HALA_WORKERS: "false",
    });
    expect(calls).toEqual(["warm-up:intake", "listen"]);
    expect(server.listening).toBe(true);
  });

  it("warms the workers' part up (which includes the intake's) before it listens, when they run in its thread", async () => {
    const calls = recordCalls();
    await servers.start("hala-warm-up-", ENTRY, { HALA_WORKER_THREAD: "false", HALA_WORKERS: "true" });
    expect(calls).toEqual(["warm-up:workers", "listen"]);
  });
});
