-- Analysts' corrections (issue 33): an incident that is none, two stories of one incident.
-- Each is kept with who made it and when, changes the stories at once, and can be undone.

-- Not an incident: the story stays (later reports of it still join it, silently) but alerts
-- nothing more and leaves the incidents list.
ALTER TABLE stories ADD COLUMN dismissed INTEGER NOT NULL DEFAULT 0;
-- Same incident as another: its items, keys and recipients went to that story.
ALTER TABLE stories ADD COLUMN merged_into INTEGER REFERENCES stories(id);

CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('not_incident', 'merge')),
    story_id INTEGER NOT NULL REFERENCES stories(id),
    -- merge: the story the other was merged into.
    into_story INTEGER REFERENCES stories(id),
    -- What the change moved or replaced (JSON), so that undoing it restores it exactly.
    detail TEXT NOT NULL DEFAULT '{}',
    undone_at INTEGER,
    undone_by TEXT
);
CREATE INDEX corrections_story ON corrections(story_id);
CREATE INDEX corrections_into ON corrections(into_story) WHERE into_story IS NOT NULL;
