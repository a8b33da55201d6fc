-- 0010: alerts to webhooks and Matrix rooms.
--
-- A recipient is now an email address, «webhook:NAME» or «matrix:NAME» (the outbox's
-- `recipient` column holds that key; email rows keep the bare address they always had).
-- Matrix answers an accepted message with the id of the event it created. An update is sent
-- as a reply in the thread of the story's first alert, which needs that id: it is kept here,
-- written in the same statement that marks the row sent.
ALTER TABLE outbox ADD COLUMN remote_id TEXT;
