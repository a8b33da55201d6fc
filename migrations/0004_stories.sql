-- 0004: stories (DESIGN.md contract 2). Items from different outlets that report the same
-- incident join one story; the story, not the item, gets the alert, and a later item gets an
-- update alert only when it changes the facts.
CREATE TABLE stories (
    id            INTEGER PRIMARY KEY,
    -- The first event kind, for listing; all kinds, countries, places, figures and the text
    -- signature are in `facts` (JSON, see dedup::story::Facts), merged over the items.
    kind          TEXT    NOT NULL,
    facts         TEXT    NOT NULL,
    -- Publication times of the first and latest item.
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    items         INTEGER NOT NULL DEFAULT 0,
    -- Update alerts decided so far (at most stories.max_updates).
    updates       INTEGER NOT NULL DEFAULT 0
);

-- The index that finds candidate stories without scanning them: one key per event kind,
-- country and day of the event ("attack|ML|17750").
CREATE TABLE story_keys (
    key      TEXT    NOT NULL,
    story_id INTEGER NOT NULL REFERENCES stories(id),
    PRIMARY KEY (key, story_id)
) WITHOUT ROWID;

ALTER TABLE items ADD COLUMN story_id INTEGER REFERENCES stories(id);
-- Why the item joined (or opened) its story, or why it has none ("event dated 2012-03-31").
ALTER TABLE items ADD COLUMN story_reason TEXT;
-- When the reported event happened (unix seconds), from the text or the publication.
ALTER TABLE items ADD COLUMN event_at INTEGER;
CREATE INDEX items_story ON items(story_id) WHERE story_id IS NOT NULL;

-- An alert's story, and for an update the Message-ID of the first alert it answers (threading).
ALTER TABLE outbox ADD COLUMN story_id INTEGER REFERENCES stories(id);
ALTER TABLE outbox ADD COLUMN in_reply_to TEXT;
-- What changed, for an update ("killed 10 → 27; responsibility claimed").
ALTER TABLE outbox ADD COLUMN note TEXT;
CREATE INDEX outbox_story ON outbox(story_id, recipient) WHERE story_id IS NOT NULL;
