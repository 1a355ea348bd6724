-- Hand-written: InboundEvent back to the default fillfactor (100). The 80 of migration …_message_write_cost made
-- the inbound claim a HOT update more often (5,007 → 11,708 of ~50,000 claims in a bench run), but the webhook's
-- own insert — the path before the 200 — spread over a quarter more pages: an A/B on one machine, two rounds
-- (bench/results/ab-fillfactor/), gave intake alone 5,309 · 4,924 webhooks/s with ack p99 27.1 · 31.5 ms at 100
-- against 3,980 · 4,831 /s with p99 46.2 · 35.2 ms at 80, and with the workers on 1,946 · 1,840 against
-- 1,469 · 1,091 /s. Applies to pages written from now on.
ALTER TABLE "InboundEvent" RESET (fillfactor);
