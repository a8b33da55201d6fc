-- Corrections of one article as well as of a story (issue 33): an article that tells no
-- incident or is out of scope leaves its stories; one that tells a different incident is split
-- out into a story of its own; a story placed in the wrong country is put right.
-- SQLite cannot change a CHECK constraint in place, so the table is copied (its ids kept).

CREATE TABLE corrections_new (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN
        ('not_incident', 'not_in_scope', 'wrong_place', 'merge', 'split')),
    -- The story corrected, or the story the corrected article was in.
    story_id INTEGER NOT NULL REFERENCES stories(id),
    -- merge: the story the other went into; split: the story the article went to.
    into_story INTEGER REFERENCES stories(id),
    -- Set when the correction is of one article rather than of its whole story.
    item_id INTEGER REFERENCES items(id),
    -- wrong_place: the countries the analyst gave, comma-separated ISO codes.
    value TEXT,
    -- What the change moved or replaced (JSON), so that undoing it restores it exactly.
    detail TEXT NOT NULL DEFAULT '{}',
    undone_at INTEGER,
    undone_by TEXT
);
INSERT INTO corrections_new (id, at, user, action, story_id, into_story, detail, undone_at, undone_by)
    SELECT id, at, user, action, story_id, into_story, detail, undone_at, undone_by FROM corrections;
DROP TABLE corrections;
ALTER TABLE corrections_new RENAME TO corrections;
CREATE INDEX corrections_story ON corrections(story_id);
CREATE INDEX corrections_into ON corrections(into_story) WHERE into_story IS NOT NULL;
-- The labels `eval`, `backtest` and the labelled export read are looked up by article.
CREATE INDEX corrections_item ON corrections(item_id) WHERE item_id IS NOT NULL;

-- A story split out of another: those who heard of that one have heard of it (a split sends
-- no new first alert), as for a merge.
ALTER TABLE stories ADD COLUMN split_from INTEGER REFERENCES stories(id);
