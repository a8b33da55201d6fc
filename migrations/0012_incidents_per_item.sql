-- 0012: an article may tell several incidents (issue 31): a roundup that leads with an attack
-- in Mali and reports a kidnapping in Niger in a later paragraph is a report of both, and the
-- second is alerted as its own incident.
--
-- `items.story_id` stays the story of the article's headline and lead (what `query --story`,
-- `show` and retention have always read); `item_stories` files the article under every story
-- it tells, the first included, with why it joined each. Filled here from the stored items.
CREATE TABLE item_stories (
    item_id  INTEGER NOT NULL REFERENCES items(id),
    story_id INTEGER NOT NULL REFERENCES stories(id),
    reason   TEXT,
    PRIMARY KEY (item_id, story_id)
) WITHOUT ROWID;
CREATE INDEX item_stories_story ON item_stories(story_id);
INSERT INTO item_stories (item_id, story_id, reason)
    SELECT id, story_id, story_reason FROM items WHERE story_id IS NOT NULL;

-- One alert per item, recipient and kind was the outbox's key; an article of two incidents
-- gives a recipient two first alerts, one per story. SQLite cannot change a table's UNIQUE
-- constraint, so the table is copied into one keyed on the incident too: `incident` is 0 for
-- the article's first incident (and for surge notices), the story's id for a further one.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES items(id),
    recipient       TEXT    NOT NULL,
    kind            TEXT    NOT NULL DEFAULT 'new',
    message_id      TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT,
    mode            TEXT    NOT NULL DEFAULT 'immediate',
    digest_id       INTEGER REFERENCES digests(id),
    story_id        INTEGER REFERENCES stories(id),
    in_reply_to     TEXT,
    note            TEXT,
    remote_id       TEXT,
    incident        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (item_id, recipient, kind, incident)
);
INSERT INTO outbox_new (id, item_id, recipient, kind, message_id, created_at, status, attempts,
        next_attempt_at, sent_at, last_error, mode, digest_id, story_id, in_reply_to, note,
        remote_id)
    SELECT id, item_id, recipient, kind, message_id, created_at, status, attempts,
        next_attempt_at, sent_at, last_error, mode, digest_id, story_id, in_reply_to, note,
        remote_id
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_digest ON outbox(digest_id) WHERE digest_id IS NOT NULL;
CREATE INDEX outbox_recipient_sent ON outbox(recipient, sent_at) WHERE status = 'sent';
CREATE INDEX outbox_story ON outbox(story_id, recipient) WHERE story_id IS NOT NULL;
