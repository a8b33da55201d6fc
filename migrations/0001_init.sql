-- 0001: the first schema.
--
-- Times are Unix seconds (UTC) in INTEGER columns: they sort, compare and index cheaply, and
-- nothing here needs sub-second precision. Lists (events, countries) are JSON arrays so that the
-- item row holds the whole analysis without join tables; the analysis itself is kept as JSON so
-- `show` can explain an item exactly as it was judged, even after the rules change.

-- One row per polled feed. The URL is the identity; a permanent redirect rewrites it.
CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY,
    url                  TEXT    NOT NULL UNIQUE,
    name                 TEXT,
    title                TEXT,
    -- Validators for conditional GET.
    etag                 TEXT,
    last_modified        TEXT,
    -- 'new' (never fetched), 'ok', 'failing', 'gone' (410: no longer polled).
    status               TEXT    NOT NULL DEFAULT 'new',
    last_http_status     INTEGER,
    last_fetch_at        INTEGER,
    last_success_at      INTEGER,
    next_poll_at         INTEGER NOT NULL DEFAULT 0,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    -- The last error in plain words: what happened, for which URL.
    last_error           TEXT,
    -- Configured feeds are 1; a feed removed from the configuration keeps its items and history
    -- but is no longer polled.
    active               INTEGER NOT NULL DEFAULT 1
);

-- One row per news item, however many times or from however many feeds it is fetched.
-- `identity` is the strongest key the item has (DESIGN.md contract 1): its GUID (scoped by the
-- feed's host, since GUIDs are only unique per publisher), else its canonical URL, else a hash
-- of title and text. The UNIQUE constraint is what makes a second ingest change nothing.
CREATE TABLE items (
    id            INTEGER PRIMARY KEY,
    feed_id       INTEGER NOT NULL REFERENCES feeds(id),
    identity      TEXT    NOT NULL UNIQUE,
    guid          TEXT,
    url           TEXT,
    canonical_url TEXT,
    title         TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    published_at  INTEGER,
    fetched_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    -- sha256 of title and text: an edited item keeps its row and gets a new hash.
    content_hash  TEXT    NOT NULL,
    relevant      INTEGER NOT NULL,
    score         REAL    NOT NULL,
    events        TEXT    NOT NULL DEFAULT '[]',
    countries     TEXT    NOT NULL DEFAULT '[]',
    analysis      TEXT    NOT NULL,
    -- Set once the alert decision for this item has been written to the outbox, so that an
    -- edit of an already-alerted item does not alert again.
    alerted       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX items_canonical_url ON items(canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX items_content_hash ON items(content_hash);
CREATE INDEX items_published ON items(coalesce(published_at, fetched_at));
CREATE INDEX items_feed ON items(feed_id);

-- Full-text index over normalized text: every word and its clitic-stripped stem, so that a
-- query in any spelling («الجزائر») finds items in any other («وبالجزائر»). Contentless: the
-- text lives in `items`; rowid is items.id.
CREATE VIRTUAL TABLE items_fts USING fts5(
    terms,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Alerts to deliver (DESIGN.md contract 3). A row is written in the same transaction as the
-- item that causes it, and marked sent only after the SMTP server (or the maildir) accepted
-- the message. Message-IDs are fixed at creation so that a resend after a crash is recognisably
-- the same message.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES items(id),
    recipient       TEXT    NOT NULL,
    -- 'new' for the first alert of an item.
    kind            TEXT    NOT NULL DEFAULT 'new',
    message_id      TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    -- 'pending', 'sent', or 'failed' (gave up after limits.alert_max_attempts; retried by hand).
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT,
    UNIQUE (item_id, recipient, kind)
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status = 'pending';
