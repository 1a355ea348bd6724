import { Prisma } from "@prisma/client";

/**
 * True for a unique-constraint violation, whichever driver adapter reported it: adapter-pg errors arrive as
 * Prisma's P2002, the PGlite adapter's as a DriverAdapterError carrying PostgreSQL's SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return true;
  const e = error as {
    code?: unknown;
    cause?: { code?: unknown; originalCode?: unknown; kind?: unknown };
  } | null;
  return (
    e?.code === "23505" ||
    e?.cause?.code === "23505" ||
    e?.cause?.originalCode === "23505" ||
    e?.cause?.kind === "UniqueConstraintViolation"
  );
}

/** True when the database could not be reached (connection refused, reset, pool timeout, shut down). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const text =
    String((error as { message?: string })?.message ?? error) +
    " " +
    String((error as { code?: string })?.code ?? "");
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|terminating connection|Can't reach database|P1001|P1017|57P01|57P03|08006|08001|08003|PGlite is closed/i.test(
    text,
  );
}
