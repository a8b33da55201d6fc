-- The analysts' console ([console]): who may sign in, their sessions, and what they corrected.

-- Accounts. The password is kept only as its Argon2id hash (PHC string, salt included). An
-- analyst may correct the machine; a reader may only browse.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('analyst', 'reader')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Signed-in sessions. The cookie carries a random token; only its SHA-256 is stored, so a copy
-- of the database opens no session. Each session has its own CSRF token for its forms.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);
