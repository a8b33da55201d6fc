-- 0011: surge notices.
--
-- When a town is suddenly named by many outlets within an hour, something is happening there
-- whether or not a rule recognised an event. To know what «suddenly» means for each place, the
-- daemon keeps who named which place of the gazetteer when: one row per item and place, kept
-- for the baseline period (`[surge] baseline`) and pruned as new mentions of the place arrive,
-- so the table stays the size of four weeks of news.
CREATE TABLE place_mentions (
    place     TEXT    NOT NULL,
    publisher TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    item_id   INTEGER NOT NULL
);
CREATE INDEX place_mentions_place_at ON place_mentions(place, at);

-- Each notice sent: at most one per place a day, which this table answers; `query --surges`
-- lists them. The notice goes through the outbox as a row of kind 'surge' on the item that
-- completed it, so that routing, hourly caps, digests and retries are the alerts' own.
CREATE TABLE surges (
    id            INTEGER PRIMARY KEY,
    place         TEXT    NOT NULL,
    at            INTEGER NOT NULL,
    item_id       INTEGER NOT NULL REFERENCES items(id),
    -- JSON: the publishers in the order they named the place, and the first item of each.
    publishers    TEXT    NOT NULL,
    items         TEXT    NOT NULL,
    minutes       INTEGER NOT NULL,
    usual_per_day REAL    NOT NULL,
    line          TEXT    NOT NULL
);
CREATE INDEX surges_place_at ON surges(place, at);
