-- Claim plans that hold whatever the planner's statistics say (generated DROP INDEX lines + hand-written SQL).
--
-- A work table's statistics are usually older than its backlog: a store's history is thousands of `done` rows,
-- then a burst arrives faster than autovacuum re-analyzes (it looks once a minute). Believing "nothing is
-- pending", the planner probed "is an older event of this contact still pending?" by scanning the whole
-- pending index once per candidate (measured: 20 ms a claim on average in bench:webhook; > 2 minutes for one
-- claim at a 35,000-row backlog behind 200,000 done rows, reproduced by tests/claim-plans.test.ts). So:
--
-- 1. The ordered "pending" indexes also require the due-time column, which only the outer scan of a claim
--    names (`"availableAt" <= now()` implies IS NOT NULL): the per-contact probe cannot use them and must use
--    the contact's own index, the cheap plan whatever the estimates.
-- 2. The full (status, due time) indexes go: they offered the same bad probe, and the partial ones serve the
--    claims (nothing else filters these tables by status without a shop).
-- 3. The work tables are analyzed and vacuumed after a few thousand changed rows instead of 10-20 % of the table.

-- DropIndex
DROP INDEX "Message_status_nextAttemptAt_idx";

-- DropIndex
DROP INDEX "InboundEvent_status_availableAt_idx";

DROP INDEX "InboundEvent_pending_seq_idx";
CREATE INDEX "InboundEvent_pending_seq_idx" ON "InboundEvent" ("seq")
  WHERE "status" = 'pending' AND "availableAt" IS NOT NULL;
DROP INDEX "Message_outbox_due_idx";
CREATE INDEX "Message_outbox_due_idx" ON "Message" ("nextAttemptAt", "createdAt")
  WHERE "direction" = 'out' AND "status" IN ('queued', 'sending') AND "nextAttemptAt" IS NOT NULL;

ALTER TABLE "InboundEvent" SET (
  autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 2000,
  autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 2000
);
ALTER TABLE "Message" SET (
  autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 2000,
  autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 2000
);
ALTER TABLE "ScheduledJob" SET (
  autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 2000,
  autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 2000
);
