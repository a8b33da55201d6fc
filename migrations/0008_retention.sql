-- 0008: retention.
--
-- A daemon that runs for years keeps every item it ever read: the whole 2018 stream is 40,000
-- items, nine in ten of them about something else. Their texts and index entries are what
-- weighs; their identity (GUID, URL, content hash) is what keeps the same item from being
-- stored or alerted twice when a feed serves it again. `sahel-watch prune` (and the daemon,
-- daily) empties the text of items never judged relevant after `[retention]
-- irrelevant_text_days`, drops their index entries and the explanation of their analysis
-- (its spans pointed into that text), and records when here. Relevant items, stories and the
-- alert history are kept whole.
ALTER TABLE items ADD COLUMN text_pruned_at INTEGER;
-- The prune looks for old irrelevant items with text; only those are in this index.
CREATE INDEX items_prunable ON items(fetched_at) WHERE relevant = 0 AND text_pruned_at IS NULL;
