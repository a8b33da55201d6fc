-- WebSub (W3C): a feed whose document names a hub is pushed to by that hub within seconds of
-- publishing, when the operator has given a public callback URL ([websub]). Polling goes on
-- beside it as the fallback, so nothing here is needed to read a feed.

-- What the feed's last document advertised: <link rel="hub"> and <link rel="self"> (the
-- topic a hub knows the feed by). Written with each fetch, so that a feed that moves to
-- another hub, or drops it, is followed.
ALTER TABLE feeds ADD COLUMN hub TEXT;
ALTER TABLE feeds ADD COLUMN topic TEXT;

-- One subscription per feed. The token is the callback URL's last segment: a push or a
-- verification names its subscription by it, and any other path is refused. The secret is
-- the HMAC key the hub signs pushes with (hub.secret); both are random, made by the daemon.
CREATE TABLE websub (
    feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    hub TEXT NOT NULL,
    topic TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    state TEXT NOT NULL
        CHECK (state IN ('requested', 'active', 'failed', 'unsubscribing')),
    -- When the subscription (or its leaving) was last asked for, verified, and when the
    -- hub's lease ends: what the subscriber plans renewals and retries from.
    requested_at INTEGER NOT NULL,
    verified_at INTEGER,
    lease_until INTEGER,
    last_error TEXT,
    -- Pushes taken, and refused for a bad signature: what `feeds` shows of the subscription.
    pushes INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0,
    last_push_at INTEGER
);
