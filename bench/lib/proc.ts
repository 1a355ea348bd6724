/**
 * Child processes for the benchmarks: started with this very Node (process.execPath, so Node 22 when the
 * benchmark runs through npm/npx) and tsx as a loader, tracked, and always killed — by their own pid — when
 * the benchmark ends, fails or is interrupted.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { openSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";

const children = new Set<ChildProcess>();

export function startNode(
  script: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile?: string; nodeArgs?: string[]; ipc?: boolean },
): ChildProcess {
  const out = options.logFile ? openSync(options.logFile, "a") : "ignore";
  const stdio: SpawnOptions["stdio"] = options.ipc ? ["ignore", out, out, "ipc"] : ["ignore", out, out];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", script], {
    cwd: options.cwd,
    env: options.env,
    stdio,
    serialization: "advanced",
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 5_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

export function killAllChildren(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Runs a command to completion (bounded), returning stdout; throws with stderr on failure. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env,
    input: options.input,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}: ${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

/** Starts any command, tracked like the Node children (killed when the benchmark ends). */
export function startProcess(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, options);
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Runs a command without blocking the event loop (the fake Graph API lives in this process). */
export function runAsync(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = startProcess(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(" ")} exited ${code ?? signal}: ${stderr || stdout}`));
    });
  });
}

export function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).status === 0;
}

export function httpGet(url: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

/** Polls `url` until it answers 200, the child dies, or `timeoutMs` passes. */
export async function waitForHttp(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `${url}: the server exited (code ${child.exitCode ?? child.signalCode}) before it was ready`,
      );
    }
    if ((await httpGet(url)) === 200) return;
    await sleep(200);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The most memory a process (all its threads) has held resident so far, MiB (VmHWM, Linux); null elsewhere. */
export function peakRssMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU time (ms, user + system) a process used so far, from /proc (Linux); NaN elsewhere. */
export function processCpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** Machine-wide busy and total CPU time (ms, summed over cores), from /proc/stat; NaN elsewhere. */
export function machineCpuMs(): { busy: number; total: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = v[3] + (v[4] ?? 0);
    return { busy: ((total - idle) * 1000) / 100, total: (total * 1000) / 100 };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/**
 * CPU use by process group over a window (Linux /proc): the named pids (app, load generator, this process),
 * the PostgreSQL backends of `postgresDb` (every `postgres` process when not given), `redis-server`, `wrk`,
 * the whole machine, and "other" = machine − the groups: what other work on this machine took (it competes
 * with the benchmark; a large share makes the numbers noisy).
 * `end()` returns cores used on average (1 = one core busy all the time).
 */
export function cpuWindow(named: Record<string, number | undefined>, options: { postgresDb?: string } = {}) {
  const groups: Record<string, string> = { postgres: "postgres", "redis-server": "redis", wrk: "loadgen" };
  // Other sessions may use the same PostgreSQL server: only the backends of our database count as ours.
  const ours = (pid: number) => {
    if (!options.postgresDb) return true;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(` ${options.postgresDb} `);
    } catch {
      return false;
    }
  };
  const snapshot = () => {
    const perPid = new Map<number, { group: string; ms: number }>();
    const byPid = new Map(
      Object.entries(named).flatMap(([name, pid]) => (pid ? [[pid, name] as const] : [])),
    );
    let entries: string[] = [];
    try {
      entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
    } catch {
      return perPid;
    }
    for (const entry of entries) {
      const pid = Number(entry);
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const group = byPid.get(pid) ?? groups[comm];
        if (!group || (group === "postgres" && !byPid.has(pid) && !ours(pid))) continue;
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        perPid.set(pid, { group, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 });
      } catch {
        // the process ended meanwhile
      }
    }
    return perPid;
  };
  const before = snapshot();
  const machine0 = machineCpuMs();
  const t0 = performance.now();
  return {
    /** `exited`: CPU ms of named processes that ended before `end()` (their /proc entry is gone). */
    end(exited: Record<string, number> = {}): Record<string, number> {
      const wall = performance.now() - t0;
      const after = snapshot();
      const used: Record<string, number> = {};
      for (const name of [...new Set([...Object.keys(named), ...Object.values(groups)])]) used[name] = 0;
      for (const [pid, { group, ms }] of after)
        used[group] = (used[group] ?? 0) + ms - (before.get(pid)?.ms ?? 0);
      for (const [group, ms] of Object.entries(exited)) used[group] = (used[group] ?? 0) + ms;
      const machine = machineCpuMs().busy - machine0.busy;
      const known = Object.values(used).reduce((a, b) => a + b, 0);
      const cores = (v: number) => Math.round((v / wall) * 100) / 100;
      return {
        ...Object.fromEntries(Object.entries(used).map(([k, v]) => [k, cores(v)])),
        other: cores(Math.max(0, machine - known)),
        machine: cores(machine),
      };
    },
  };
}
