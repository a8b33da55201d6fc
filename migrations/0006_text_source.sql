-- 0006: where an item's text came from.
--
-- Most outlets put only a headline and a summary in their feeds; the daemon now fetches the
-- article page of candidate items and stores (and indexes, and quotes in alerts) its main text.
-- An analyst reading an item, or a researcher exporting the archive, needs to know which text
-- was judged: the feed's own (`feed`), the article page (`page`, with its URL in text_note), or
-- the summary alone (`summary`, with the reason in text_note: not a candidate, full_text =
-- "never", robots.txt disallows, HTTP 404, timed out…). Items stored before this migration
-- were analysed on what their feed carried, so they read `feed`.
ALTER TABLE items ADD COLUMN text_source TEXT NOT NULL DEFAULT 'feed';
ALTER TABLE items ADD COLUMN text_note TEXT;
