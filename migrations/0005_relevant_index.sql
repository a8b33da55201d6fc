-- 0005: listing relevant items, newest first, without scanning the others.
--
-- Most items of a feed are not about the Sahel: a filtered listing (`query --country ML --event
-- attack`) walked the publication index through all of them, running its JSON filters on each
-- (37 ms on the 41,517-article stream). The relevant ones are a few hundredths of the archive;
-- this partial index holds only them.
CREATE INDEX items_relevant_published ON items(coalesce(published_at, fetched_at))
    WHERE relevant = 1;
