/**
 * The per-shopper inbound throttle as a token bucket on the shopper's own clock: the WhatsApp timestamps of
 * their messages, not the time we process them. A backlog we built up (a restart, a lease that had to expire,
 * a database outage) therefore never looks like a flood — ten messages written a minute apart are ten
 * answers, however fast we get through them — while fifty written in one second still are a flood.
 *
 * One contact's messages are processed one at a time and in arrival order (the inbox claim takes only the
 * oldest pending event per contact), so the bucket needs no atomic update. Pure: no clock, no cache.
 */
export interface InboundBucket {
  /** Tokens left after the last message. */
  tokens: number;
  /** The last message's timestamp (ms since epoch). */
  at: number;
}

export function takeInboundToken(
  previous: InboundBucket | null,
  at: number,
  options: { ratePerSec: number; burst: number },
): { ok: boolean; bucket: InboundBucket } {
  const refilled = previous
    ? Math.min(options.burst, previous.tokens + (Math.max(0, at - previous.at) / 1000) * options.ratePerSec)
    : options.burst;
  // A message stamped earlier than the last one (Meta's clock, a redelivery) does not move the bucket back.
  const last = previous ? Math.max(previous.at, at) : at;
  if (refilled >= 1) return { ok: true, bucket: { tokens: refilled - 1, at: last } };
  return { ok: false, bucket: { tokens: refilled, at: last } };
}

/** A stored bucket, or null when it is missing or not one (a fresh start is the safe reading). */
export function parseInboundBucket(value: string | null): InboundBucket | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<InboundBucket>;
    return typeof parsed.tokens === "number" &&
      Number.isFinite(parsed.tokens) &&
      typeof parsed.at === "number" &&
      Number.isFinite(parsed.at)
      ? { tokens: parsed.tokens, at: parsed.at }
      : null;
  } catch {
    return null;
  }
}
