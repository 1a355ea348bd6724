/**
 * Group commit for a hot write path: callers that arrive while `concurrency` statements are already in flight
 * wait, and when one of those statements finishes, everything that waited goes to the database as ONE
 * statement. Under light load a call runs at once, alone (no timer, no added latency); under heavy load the
 * round trips, statements and commits per call fall by the batch size. Each caller still gets its own result
 * only after its rows are committed, so "stored before the 200" holds.
 *
 * Between the two (`lingerMs`): when calls arrive closer together than `lingerMs` on average but a statement
 * slot is free, the first one waits up to `lingerMs` for the next ones instead of going alone. Without it, a
 * steady 1,000 calls/s met a free slot each time and went one per statement, a round trip and a commit each.
 * Calls further apart than `lingerMs` (light load) still go at once, and calls that queued behind a statement
 * in flight go as soon as it finishes.
 *
 * A failing batch of several calls is retried call by call (unless `retryAlone` says the error concerns them
 * all, e.g. the database is down): one caller's bad input never fails another caller. No I/O of its own.
 */
export interface GroupCommitOptions<T, R> {
  /** Statements in flight at once (the rest of the pool stays free for other work). */
  concurrency: number;
  /** A batch stops growing past this many units (see `size`); a single larger call still runs, alone. */
  maxBatch: number;
  size: (call: T) => number;
  /** Writes the calls in one statement; one result per call, in order. */
  run: (calls: T[]) => Promise<R[]>;
  /** Whether a failed batch is worth retrying call by call (default: always). */
  retryAlone?: (error: unknown) => boolean;
  /** How long the first call of a batch may wait for more when calls come this close together (default 0). */
  lingerMs?: number;
  /**
   * A lingering batch goes at once when it holds this many units (default `maxBatch`): past a few dozen rows a
   * bigger statement saves little, and waiting longer would only idle the database.
   */
  lingerUntil?: number;
  /** The clock (tests); default performance.now. */
  now?: () => number;
}

interface Waiting<T, R> {
  call: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export function groupCommit<T, R>(options: GroupCommitOptions<T, R>): (call: T) => Promise<R> {
  const queue: Waiting<T, R>[] = [];
  let inFlight = 0;
  const lingerMs = options.lingerMs ?? 0;
  const lingerUntil = Math.min(options.lingerUntil ?? options.maxBatch, options.maxBatch);
  const now = options.now ?? (() => performance.now());
  let lastArrival: number | undefined;
  /** Moving average of the time between calls (ms); Infinity until two have come. */
  let gap = Infinity;
  let lingering: ReturnType<typeof setTimeout> | undefined;
  let queuedUnits = 0;

  function takeBatch(): Waiting<T, R>[] {
    const batch: Waiting<T, R>[] = [];
    let units = 0;
    while (queue.length) {
      const units1 = options.size(queue[0].call);
      if (batch.length > 0 && units + units1 > options.maxBatch) break;
      batch.push(queue.shift()!);
      units += units1;
    }
    queuedUnits -= units;
    return batch;
  }

  async function runBatch(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await options.run(batch.map((w) => w.call));
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1 || !(options.retryAlone?.(error) ?? true)) {
        for (const w of batch) w.reject(error);
        return;
      }
      for (const w of batch) {
        try {
          w.resolve((await options.run([w.call]))[0]);
        } catch (alone) {
          w.reject(alone);
        }
      }
    }
  }

  /** `arrival`: called for a new call (which may linger); otherwise a statement finished or a linger ended. */
  function pump(arrival = false): void {
    if (arrival && lingerMs > 0 && gap < lingerMs && queuedUnits < lingerUntil) {
      // More calls are due within the linger: the timer (or a statement finishing) takes them together.
      lingering ??= setTimeout(() => {
        lingering = undefined;
        pump();
      }, lingerMs);
      return;
    }
    if (lingering && (inFlight < options.concurrency || queue.length === 0)) {
      clearTimeout(lingering);
      lingering = undefined;
    }
    while (inFlight < options.concurrency && queue.length) {
      const batch = takeBatch();
      inFlight++;
      void runBatch(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return (call: T) =>
    new Promise<R>((resolve, reject) => {
      if (lingerMs > 0) {
        const at = now();
        if (lastArrival !== undefined) {
          const since = at - lastArrival;
          gap = gap === Infinity ? since : gap * 0.8 + since * 0.2;
        }
        lastArrival = at;
      }
      queue.push({ call, resolve, reject });
      queuedUnits += options.size(call);
      pump(true);
    });
}

/**
 * Writes `calls` in rounds whose calls share no key — one statement changes a row once, so two calls for the
 * same row go into successive statements, in the order given. `write` returns one result per call of its round,
 * or `undefined` for a call to be written again in the next round (e.g. a row another transaction created after
 * the statement's snapshot), at most `maxRetries` times in all. Resolves to one result per call, in order.
 */
export async function inDistinctRounds<T, R>(
  calls: T[],
  keysOf: (call: T) => string[],
  write: (round: T[]) => Promise<(R | undefined)[]>,
  maxRetries = 3,
): Promise<R[]> {
  const results: R[] = new Array(calls.length);
  let remaining = calls.map((call, i) => ({ call, i }));
  let retries = 0;
  while (remaining.length) {
    const seen = new Set<string>();
    const round: typeof remaining = [];
    const later: typeof remaining = [];
    for (const item of remaining) {
      const keys = keysOf(item.call);
      if (keys.some((k) => seen.has(k))) later.push(item);
      else {
        keys.forEach((k) => seen.add(k));
        round.push(item);
      }
    }
    const written = await write(round.map((item) => item.call));
    const again = round.filter((item, j) => {
      const result = written[j];
      if (result === undefined) return true;
      results[item.i] = result;
      return false;
    });
    if (again.length && ++retries > maxRetries) throw new Error("inDistinctRounds: calls left unwritten");
    remaining = [...again, ...later];
  }
  return results;
}
