-- 0009: backups on record.
--
-- `sahel-watch backup FILE` is run by a timer or cron, outside the daemon. A backup job that
-- silently stopped is learned of the day the disk fails. Each backup that passed its integrity
-- check is recorded here, so that the daemon can show the newest one in /metrics (an alert rule
-- on its age) and `stats --storage` can name it. The backup keeps the last 100 rows.
CREATE TABLE backups (
    id INTEGER PRIMARY KEY,
    finished_at INTEGER NOT NULL,   -- unix seconds
    path TEXT NOT NULL,             -- as given to the command
    bytes INTEGER NOT NULL,
    seconds REAL NOT NULL           -- how long the copy and its check took
);
