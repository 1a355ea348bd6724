-- DropIndex
DROP INDEX "Message_shop_createdAt_idx";


-- Hand-written: the work tables' wide columns get no planner statistics. No query filters or joins on them
-- (the inbox search goes through its GIN index, not through statistics on the text), and ANALYZE — run by
-- autovacuum, and by a worker whose claims turn slow (app/adapters/db/claim.server.ts) — spent most of its time
-- detoasting them: on a bench:webhook database (50k events, 55k messages) ANALYZE "InboundEvent" took
-- ~400 ms → ~215 ms and ANALYZE "Message" ~650 ms → ~350 ms of PostgreSQL CPU.
ALTER TABLE "InboundEvent" ALTER COLUMN payload SET STATISTICS 0;
ALTER TABLE "InboundEvent" ALTER COLUMN "lastError" SET STATISTICS 0;
ALTER TABLE "Message" ALTER COLUMN body SET STATISTICS 0;
ALTER TABLE "Message" ALTER COLUMN text SET STATISTICS 0;
ALTER INDEX "Message_text_search_idx" ALTER COLUMN 1 SET STATISTICS 0;
