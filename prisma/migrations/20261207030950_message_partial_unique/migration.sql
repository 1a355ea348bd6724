-- Hand-written: Message's two unique keys index only the rows that have one. A shopper's message has no
-- idempotency key and a reply has no wamid until it is sent, and a full unique index stores a NULL entry for
-- each of them on every insert (a reply's is dead once its sent update writes the real wamid). The statements
-- that insert messages use ON CONFLICT DO NOTHING without a target, or catch the unique violation, and the
-- lookups are by value (`wamid = $1`), so partial indexes serve them all. Measured on PostgreSQL 15, 9,600
-- events of one inbound and one outbound message (and a contact) each, 64 a statement, alternating, two runs:
-- WAL per event 3,304 · 3,304 bytes with the full indexes, 3,163 · 3,165 with these
-- (bench/results/ab-s23/README.md). Each index is replaced in this migration's transaction: no duplicate can
-- slip in between.
DROP INDEX "Message_wamid_key";
CREATE UNIQUE INDEX "Message_wamid_key" ON "Message" ("wamid") WHERE "wamid" IS NOT NULL;
DROP INDEX "Message_idempotencyKey_key";
CREATE UNIQUE INDEX "Message_idempotencyKey_key" ON "Message" ("idempotencyKey") WHERE "idempotencyKey" IS NOT NULL;
