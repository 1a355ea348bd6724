-- DropIndex
DROP INDEX "Message_conversationId_status_idx";


-- Hand-written: the inbox search indexes what shoppers and merchants wrote, not the bot's replies. A bot reply
-- was the bulk of the index's writes: its words went in when the reply was stored and again when it was marked
-- sent (a non-HOT update re-inserts into every index), and its boilerplate (menus, "checkout") only matched
-- every conversation. The search's condition (app/adapters/db/inbox.server.ts) carries the same predicate.
DROP INDEX "Message_text_search_idx";
CREATE INDEX "Message_text_search_idx" ON "Message" USING GIN (to_tsvector('simple'::regconfig, coalesce("text", '')))
  WHERE "author" <> 'bot';
ALTER INDEX "Message_text_search_idx" ALTER COLUMN 1 SET STATISTICS 0;

-- Hand-written: room on each page for the claim's new row version. The inbox worker's claim changes only
-- "lockedUntil" and "attempts", no indexed column, so with free space on the page it is a HOT update (no index
-- entries); on full pages (fillfactor 100, rows appended in order) it went to another page and into all six
-- indexes. Applies to pages written from now on.
ALTER TABLE "InboundEvent" SET (fillfactor = 80);
