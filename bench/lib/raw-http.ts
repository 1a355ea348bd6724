/**
 * HTTP/1.1 over plain `net` sockets for the benchmark's own side of the wire: the open-loop load generator
 * (`RawHttpPool`) and the fake Graph API (bench/lib/fake-graph.ts). On a 2-core machine the harness shares the
 * cores with the app it measures; node:http cost it ~0.27 cores at 1,000 msg/s (a request object, header
 * objects and events per request, on both ends), taken from the app. These write pre-built bytes and read with a
 * small incremental parser: bodies by Content-Length or chunked, no pipelining (one request per connection at
 * a time), which is all the app and the benchmark exchange. Not for anything but loopback benchmarks.
 */
import net from "node:net";

export interface HttpMessage {
  /** The start line: `POST /path HTTP/1.1` or `HTTP/1.1 200 OK`. */
  start: string;
  /** Header values by lower-case name (a repeated header keeps its last value). */
  headers: Map<string, string>;
  body: Buffer;
}

const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");
const MAX_HEAD = 64 * 1024;

/**
 * Splits a byte stream into HTTP messages, whatever the chunk boundaries. A message without Content-Length or
 * chunked encoding has no body (requests without one, 204/304 answers and the like). Throws on a malformed
 * stream; the caller then drops the connection.
 */
export class HttpMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private current: { start: string; headers: Map<string, string> } | null = null;
  /** Content-Length still to read, or -1 while reading chunks. */
  private length = 0;
  private chunks: Buffer[] = [];

  constructor(private readonly onMessage: (message: HttpMessage) => void) {}

  push(data: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    for (;;) {
      if (!this.current) {
        const end = this.buffer.indexOf(HEAD_END);
        if (end < 0) {
          if (this.buffer.length > MAX_HEAD) throw new Error("HTTP head too large");
          return;
        }
        const lines = this.buffer.toString("latin1", 0, end).split("\r\n");
        this.buffer = this.buffer.subarray(end + 4);
        const headers = new Map<string, string>();
        for (let i = 1; i < lines.length; i++) {
          const colon = lines[i].indexOf(":");
          if (colon <= 0) throw new Error(`malformed header line: ${lines[i]}`);
          headers.set(lines[i].slice(0, colon).trim().toLowerCase(), lines[i].slice(colon + 1).trim());
        }
        this.current = { start: lines[0], headers };
        if (headers.get("transfer-encoding")?.toLowerCase().includes("chunked")) this.length = -1;
        else {
          const declared = headers.get("content-length");
          this.length = declared === undefined ? 0 : Number(declared);
          if (!Number.isInteger(this.length) || this.length < 0)
            throw new Error(`bad Content-Length: ${declared}`);
        }
      }
      if (this.length >= 0) {
        if (this.buffer.length < this.length) return;
        const body = this.buffer.subarray(0, this.length);
        this.buffer = this.buffer.subarray(this.length);
        this.emit(body);
        continue;
      }
      // chunked: <hex size>[;ext]\r\n<data>\r\n … 0\r\n\r\n (no trailers)
      const lineEnd = this.buffer.indexOf(CRLF);
      if (lineEnd < 0) return;
      const size = parseInt(this.buffer.toString("latin1", 0, lineEnd).split(";")[0], 16);
      if (!Number.isInteger(size) || size < 0) throw new Error("bad chunk size");
      if (size === 0) {
        if (this.buffer.length < lineEnd + 4) return;
        this.buffer = this.buffer.subarray(lineEnd + 4);
        this.emit(Buffer.concat(this.chunks));
        continue;
      }
      if (this.buffer.length < lineEnd + 2 + size + 2) return;
      this.chunks.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      this.buffer = this.buffer.subarray(lineEnd + 2 + size + 2);
    }
  }

  private emit(body: Buffer): void {
    const { start, headers } = this.current!;
    this.current = null;
    this.length = 0;
    this.chunks = [];
    this.onMessage({ start, headers, body });
  }
}

/** The status code of a response's start line (0 when it is not one). */
export function statusOf(start: string): number {
  const code = Number(start.slice(9, 12));
  return start.startsWith("HTTP/1.") && Number.isInteger(code) ? code : 0;
}

/** A request's bytes, built once: `POST path` with the given headers and a Content-Length. */
export function buildRequest(
  host: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Buffer {
  const head =
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("") +
    `Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

interface Connection {
  socket: net.Socket;
  /** The answer callback of the request in flight, null when idle. */
  waiting: ((status: number) => void) | null;
  sentAt: number;
  /** When its last answer came (idle since then). */
  answeredAt: number;
}

/**
 * Keep-alive connections to one server, each carrying one request at a time; a request finds an idle
 * connection or opens one (at most `maxSockets`, beyond which `send` returns false and sends nothing).
 * `done(status)` is called once per request: the response's status, or 0 for a socket error, a connection
 * closed before the answer or no answer within `timeoutMs` (checked every 50 ms).
 *
 * A connection left idle for `idleMs` is closed here, before the server closes it: Node's server ends an idle
 * keep-alive connection after 5 s (`keepAliveTimeout`), and a request written just as that happens is lost
 * (status 0), as a dozen were in an open loop whose first seconds' stall had opened ~1,800 connections.
 */
export class RawHttpPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
    private readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly idleMs = 4_000,
  ) {
    this.sweeper = setInterval(() => this.expire(), 50);
    this.sweeper.unref();
  }

  get open(): number {
    return this.all.size;
  }

  send(request: Buffer, done: (status: number) => void): boolean {
    let connection = this.idle.pop();
    if (!connection) {
      if (this.all.size >= this.maxSockets) return false;
      connection = this.connect();
    }
    connection.waiting = done;
    connection.sentAt = this.now();
    connection.socket.write(request);
    return true;
  }

  private connect(): Connection {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    const connection: Connection = { socket, waiting: null, sentAt: 0, answeredAt: 0 };
    this.all.add(connection);
    const reader = new HttpMessageReader((message) => {
      const done = connection.waiting;
      // An answer nobody asked for: the stream is out of step, drop the connection.
      if (!done) return this.fail(connection);
      connection.waiting = null;
      connection.answeredAt = this.now();
      const closing = message.headers.get("connection")?.toLowerCase() === "close";
      if (closing) this.drop(connection);
      else this.idle.push(connection);
      done(statusOf(message.start));
    });
    socket.on("data", (data: Buffer) => {
      try {
        reader.push(data);
      } catch {
        this.fail(connection);
      }
    });
    socket.on("error", () => this.fail(connection));
    socket.on("close", () => this.fail(connection));
    return connection;
  }

  /** The connection is gone: its request (if any) failed. */
  private fail(connection: Connection): void {
    this.drop(connection);
    const done = connection.waiting;
    connection.waiting = null;
    done?.(0);
  }

  private drop(connection: Connection): void {
    if (!this.all.delete(connection)) return;
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    connection.socket.destroy();
  }

  private expire(): void {
    const now = this.now();
    const limit = now - this.timeoutMs;
    for (const connection of [...this.all])
      if (connection.waiting && connection.sentAt < limit) this.fail(connection);
    const idleLimit = now - this.idleMs;
    for (const connection of [...this.idle]) if (connection.answeredAt < idleLimit) this.drop(connection);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const connection of [...this.all]) this.fail(connection);
  }
}
