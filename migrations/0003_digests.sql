-- 0003: recipients who read alerts in digests, and a cap on how many emails one recipient gets
-- in an hour.
--
-- An outbox row is still one alert for one recipient. `mode` says how it leaves: 'immediate' as
-- its own email, or 'digest' inside one email that gathers a recipient's alerts. A row is
-- written as 'digest' when the recipient asked for digests, and moved from 'immediate' to
-- 'digest' when the recipient's hourly cap is reached: the overflow waits for the next digest
-- instead of being dropped.
ALTER TABLE outbox ADD COLUMN mode TEXT NOT NULL DEFAULT 'immediate';

-- The digest email that carried (or will carry) the row. Set in the same transaction that
-- creates the digest, so a digest's members are fixed before it is first sent: a crash after the
-- server accepted it resends the same digest with the same Message-ID, never a different mix.
ALTER TABLE outbox ADD COLUMN digest_id INTEGER REFERENCES digests(id);
CREATE INDEX outbox_digest ON outbox(digest_id) WHERE digest_id IS NOT NULL;
-- The hourly cap counts what a recipient was sent in the last hour.
CREATE INDEX outbox_recipient_sent ON outbox(recipient, sent_at) WHERE status = 'sent';

-- One digest email; its delivery bookkeeping is the same as an alert's (contract 3).
CREATE TABLE digests (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    message_id      TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    -- 'pending', 'sent', or 'failed'; the member rows follow the digest.
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT
);
CREATE INDEX digests_due ON digests(next_attempt_at) WHERE status = 'pending';
CREATE INDEX digests_recipient_sent ON digests(recipient, sent_at) WHERE status = 'sent';
