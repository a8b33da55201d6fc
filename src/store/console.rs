//! The console's accounts and sessions (migration 0014). Passwords arrive hashed and session
//! tokens as their digests: nothing here can sign anyone in by itself.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};

/// An account.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    /// `analyst` (may correct) or `reader`.
    pub role: String,
    #[serde(skip)]
    pub password_hash: String,
    pub created_at: i64,
}

/// A signed-in session and its user.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub user: UserRow,
    pub csrf: String,
    pub expires_at: i64,
}

fn user(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        password_hash: r.get(3)?,
        created_at: r.get(4)?,
    })
}

impl Store {
    /// Adds an account, or sets the role and password of the one of that name.
    pub fn put_user(
        &mut self,
        name: &str,
        role: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET role = ?2, password_hash = ?3",
            params![name, role, password_hash, now],
        )?;
        Ok(())
    }

    /// Removes an account and its sessions; whether there was one.
    pub fn remove_user(&mut self, name: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM users WHERE name = ?1", [name])?
            > 0)
    }

    pub fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, role, password_hash, created_at FROM users ORDER BY name",
        )?;
        let rows = st.query_map([], user)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn user_named(&self, name: &str) -> Result<Option<UserRow>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, name, role, password_hash, created_at FROM users WHERE name = ?1",
            )?
            .query_row([name], user)
            .optional()?)
    }

    /// Opens a session for `user_id` under the digest of its cookie token.
    pub fn open_session(
        &mut self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?;
        self.conn.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user_id, csrf, now, expires_at],
        )?;
        Ok(())
    }

    /// The live session under this token digest, with its user.
    pub fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRow>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT u.id, u.name, u.role, u.password_hash, u.created_at, s.csrf, s.expires_at
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            )?
            .query_row(params![token_hash, now], |r| {
                Ok(SessionRow {
                    user: user(r)?,
                    csrf: r.get(5)?,
                    expires_at: r.get(6)?,
                })
            })
            .optional()?)
    }

    pub fn close_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lives_until_it_expires_or_is_closed() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        s.put_user("amina", "analyst", "$argon2id$hash", 10)
            .unwrap();
        let amina = s.user_named("amina").unwrap().unwrap();
        s.open_session("digest", amina.id, "csrf-1", 20, 100)
            .unwrap();
        let live = s.session("digest", 99).unwrap().unwrap();
        assert_eq!(
            (live.user.name.as_str(), live.csrf.as_str()),
            ("amina", "csrf-1")
        );
        assert!(s.session("digest", 100).unwrap().is_none(), "expired");
        assert!(s.session("other", 50).unwrap().is_none());
        s.close_session("digest").unwrap();
        assert!(s.session("digest", 50).unwrap().is_none(), "closed");
        // A role changed, a user removed: the removal ends their sessions.
        s.put_user("amina", "reader", "$argon2id$other", 30)
            .unwrap();
        assert_eq!(s.user_named("amina").unwrap().unwrap().role, "reader");
        s.open_session("d2", amina.id, "c", 40, 1_000).unwrap();
        assert!(s.remove_user("amina").unwrap());
        assert!(s.session("d2", 50).unwrap().is_none());
    }
}
