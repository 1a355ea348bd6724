/**
 * PostgreSQL and Redis for the resilience runs, loopback only:
 * - a fresh database on the machine's shared PostgreSQL (127.0.0.1:5432, user postgres), dropped afterwards;
 * - a db number of the machine's shared Redis (RES_REDIS_DB, default 8; not flushed: a run's keys are its own);
 * - a PRIVATE PostgreSQL cluster (initdb in a temp dir, run as the `postgres` OS user, its own port) and a
 *   PRIVATE redis-server (its own port, no persistence): the dependency-fault test stops and starts those,
 *   never the shared ones.
 * Every process started here is stopped by its own pid / data directory; temp dirs are removed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { runAsync, sleep } from "../../lib/proc";

export const SHARED_PG = process.env.RES_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
export const SHARED_REDIS = process.env.RES_REDIS_URL ?? "redis://127.0.0.1:6379";
export const REDIS_DB = Number(process.env.RES_REDIS_DB ?? 8);
/** Prefix of the databases the runs create on the shared PostgreSQL (RES_DB_PREFIX, default hala_res). */
export const DB_PREFIX = process.env.RES_DB_PREFIX ?? "hala_res";
/**
 * Where private data dirs, snapshots and PGlite dirs go: `${TMP_PREFIX}-<kind>-XXXXXX`
 * (RES_TMP_PREFIX, default <tmp>/hala-res).
 */
export const TMP_PREFIX = process.env.RES_TMP_PREFIX ?? path.join(tmpdir(), "hala-res");
export const tempDir = (kind: string) => mkdtempSync(`${TMP_PREFIX}-${kind}-`);

/**
 * RES_PORTS=<from>-<to> keeps every port the runs listen on (the app, the fake Graph API, the private
 * PostgreSQL and Redis) in that range; without it, preferred ports or any free one.
 */
const PORT_RANGE = /^(\d+)-(\d+)$/.exec(process.env.RES_PORTS ?? "");
let nextPort = PORT_RANGE
  ? Number(PORT_RANGE[1]) + ((process.pid * 7) % (Number(PORT_RANGE[2]) - Number(PORT_RANGE[1]) + 1))
  : 0;

export async function freePort(preferred?: number): Promise<number> {
  if (PORT_RANGE) {
    const [from, to] = [Number(PORT_RANGE[1]), Number(PORT_RANGE[2])];
    for (let i = 0; i <= to - from; i++) {
      const port = from + ((nextPort - from + i) % (to - from + 1));
      try {
        const got = await listenOnce(port);
        nextPort = port + 1 > to ? from : port + 1;
        return got;
      } catch {
        // taken: the next one
      }
    }
    throw new Error(`no free port in RES_PORTS=${process.env.RES_PORTS}`);
  }
  if (preferred) {
    try {
      return await listenOnce(preferred);
    } catch {
      // taken: any free port
    }
  }
  return listenOnce(0);
}

function listenOnce(port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const p = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(p));
    });
  });
}

// --- shared PostgreSQL: a database of our own ------------------------------------------------------

export async function psql(url: string, sql: string): Promise<string> {
  const { stdout } = await runAsync("psql", [url, "-v", "ON_ERROR_STOP=1", "-qtAc", sql], {
    timeoutMs: 60_000,
  });
  return stdout.trim();
}

export interface OwnDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createOwnDatabase(prefix: string, server = SHARED_PG): Promise<OwnDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`.replace(/[^a-z0-9_]/g, "_");
  await psql(`${server}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await psql(`${server}/postgres`, `CREATE DATABASE ${name}`);
  return {
    url: `${server}/${name}`,
    name,
    drop: () =>
      psql(`${server}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}

export async function flushRedisDb(url: string, dbIndex: number): Promise<void> {
  const u = new URL(url);
  await runAsync("redis-cli", ["-h", u.hostname, "-p", u.port || "6379", "-n", String(dbIndex), "flushdb"], {
    timeoutMs: 10_000,
  });
}

/** A pg client for the checks; remember to `end()` it. */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  await client.connect();
  return client;
}

// --- a private PostgreSQL cluster ------------------------------------------------------------------

function pgBin(name: string): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(path.join(base, v, "bin", name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error(`${name} not found under ${base}`);
  return path.join(base, versions[0], "bin", name);
}

const asPostgres = (command: string, args: string[]) =>
  process.getuid?.() === 0
    ? { cmd: "runuser", args: ["-u", "postgres", "--", command, ...args] }
    : { cmd: command, args };

export interface PrivatePostgres {
  port: number;
  url: string;
  dir: string;
  start(): Promise<void>;
  /** `fast`: a clean shutdown; `immediate`: no checkpoint (like a crash; recovery at the next start). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  running(): boolean;
  destroy(): Promise<void>;
}

/**
 * `settings`: the server's `-c` options after its port and sockets (default: the resilience runs' own, no fsync);
 * bench:webhook's BENCH_PG_STATS passes the shared server's settings and pg_stat_statements (bench/lib/pg-stats.ts).
 */
export async function createPrivatePostgres(
  preferredPort = 55432,
  settings = "-c fsync=off -c full_page_writes=off -c max_connections=60",
): Promise<PrivatePostgres> {
  const port = await freePort(preferredPort);
  const dir = tempDir("pg");
  const data = path.join(dir, "data");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dir]);
  const initdb = asPostgres(pgBin("initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  await runAsync(initdb.cmd, initdb.args, { timeoutMs: 120_000 });
  const pgCtl = (args: string[], timeoutMs = 60_000) => {
    const c = asPostgres(pgBin("pg_ctl"), ["-D", data, ...args]);
    return runAsync(c.cmd, c.args, { timeoutMs });
  };
  let up = false;
  const self: PrivatePostgres = {
    port,
    dir,
    url: `postgresql://postgres@127.0.0.1:${port}`,
    async start() {
      await pgCtl([
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${settings}`,
        "-l",
        path.join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "start",
      ]);
      up = true;
    },
    async stop(mode = "fast") {
      if (!up) return;
      await pgCtl(["-m", mode, "-w", "-t", "60", "stop"]).catch(() => undefined);
      up = false;
    },
    running: () => up,
    async destroy() {
      // Only our cluster: pg_ctl by data directory, then the postmaster pid from its pid file if still alive.
      await self.stop("immediate");
      const pidFile = path.join(data, "postmaster.pid");
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
        if (pid > 1) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}

// --- a private Redis -------------------------------------------------------------------------------

export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  running(): boolean;
  destroy(): Promise<void>;
}

export async function createPrivateRedis(preferredPort = 56379): Promise<PrivateRedis> {
  const port = await freePort(preferredPort);
  const dir = tempDir("redis");
  const pidFile = path.join(dir, "redis.pid");
  let up = false;
  const pid = () => {
    try {
      return Number(readFileSync(pidFile, "utf8").trim()) || 0;
    } catch {
      return 0;
    }
  };
  const alive = (p: number) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  };
  const self: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      await runAsync(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--daemonize",
          "yes",
          "--pidfile",
          pidFile,
          "--dir",
          dir,
          "--logfile",
          path.join(dir, "redis.log"),
        ],
        { timeoutMs: 10_000 },
      );
      for (let i = 0; i < 100; i++) {
        if (
          spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.includes("PONG")
        ) {
          up = true;
          return;
        }
        await sleep(50);
      }
      throw new Error(`private redis-server on ${port} did not start`);
    },
    async stop() {
      const p = pid();
      if (p > 1 && alive(p)) {
        process.kill(p, "SIGKILL");
        for (let i = 0; i < 100 && alive(p); i++) await sleep(20);
      }
      rmSync(pidFile, { force: true });
      up = false;
    },
    running: () => up,
    async destroy() {
      await self.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}
