-- 0002: a feed's identity apart from its current URL, and feed-health notices.
--
-- A permanent redirect rewrites feeds.url, while the configuration still names the old URL.
-- Matching the configuration on `configured_url` keeps the moved feed, with its history, instead
-- of adding the old URL back as a new feed at the next start.
ALTER TABLE feeds ADD COLUMN configured_url TEXT;
UPDATE feeds SET configured_url = url;
CREATE UNIQUE INDEX feeds_configured_url ON feeds(configured_url);

-- When the feed last brought a new item, for "published nothing for N days" notices.
ALTER TABLE feeds ADD COLUMN last_item_at INTEGER;
-- When the current run of failures began (NULL while the feed is healthy).
ALTER TABLE feeds ADD COLUMN failing_since INTEGER;
-- The health notice sent for the current episode ('feed_failing' or 'feed_silent') and when:
-- one episode gives one notice; recovery clears it.
ALTER TABLE feeds ADD COLUMN health_notice TEXT;
ALTER TABLE feeds ADD COLUMN health_notice_at INTEGER;

-- Notices to the operator, delivered like alerts (retried, marked sent only once accepted) but
-- not tied to an item.
CREATE TABLE notices (
    id              INTEGER PRIMARY KEY,
    feed_id         INTEGER REFERENCES feeds(id),
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    message_id      TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT
);
CREATE INDEX notices_due ON notices(next_attempt_at) WHERE status = 'pending';
