-- InboundEvent's (shop, receivedAt) index is gone: no query reads events in that order (the shop-wide deletes
-- and reads use the (shop, waId, seq) index's prefix), and it was written three times per event: by the
-- webhook's insert and by the claim's and the completion's updates, which are not HOT. Measured on PostgreSQL
-- 15 with 19,200 events of a bench-like payload (2 runs, alternating): WAL per insert 1,500 → 1,403 bytes, per
-- claim + completion 2,830 → 2,632 bytes (bench/results/ab-s23/README.md).
-- DropIndex
DROP INDEX "InboundEvent_shop_receivedAt_idx";

