import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "~/env.server";
import { setLogDestination } from "~/logger.server";
import { startBackgroundWork, stopBackgroundWork } from "~/services/background.server";

// The background start (both threads' and `npm run worker`'s) warms the workers' code up
// (app/services/warm-up.server.ts) after the migrations and before the first worker takes a batch. (No worker
// module is imported here, so none is registered: the start's order is what is checked.)

describe("the background start", () => {
  afterAll(async () => {
    await stopBackgroundWork();
    process.env.HALA_WORKERS = "false";
    resetEnvForTests();
    setLogDestination(process.stdout, "silent");
  });

  it("warms the workers up, then starts them", async () => {
    const lines: { msg: string; part?: string; rounds?: number; replies?: number }[] = [];
    setLogDestination(
      new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
          done();
        },
      }),
      "info",
    );
    process.env.HALA_WORKERS = "true";
    resetEnvForTests();
    await startBackgroundWork();
    const messages = lines.map((l) => l.msg);
    const warmed = messages.indexOf("warmed up");
    expect(warmed).toBeGreaterThanOrEqual(0);
    expect(lines[warmed]).toMatchObject({ part: "workers" });
    expect(lines[warmed].rounds).toBeGreaterThan(0);
    expect(lines[warmed].replies).toBeGreaterThan(0);
    expect(warmed).toBeLessThan(messages.indexOf("background workers started"));
  });
});
