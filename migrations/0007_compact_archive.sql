-- 0007: a full-text index that costs a fifth of what it did, and item texts kept deflated.
--
-- The load benchmark (scripts/load_bench.sh, the whole shared stream) spent a quarter of its
-- CPU in FTS5 and stored 5.4 KB an item, a fifth of it index. The old index tokenized with
-- unicode61 and remove_diacritics, folding and stripping text that `arabic::normalize` had
-- already folded, and kept every term's positions and column sizes. Nothing reads them:
-- phrases are checked on the text after the index (`arabic::phrases_hold`), snippets are cut
-- from the text, results are ordered by date, not rank. So the index now holds terms only
-- (`detail = none`) split on the spaces `arabic::index_terms` writes (`ascii`: no Unicode
-- tables on text that is already normalized). `contentless_delete` stays, for edited items
-- and retention (it needs the column sizes, so `columnsize` stays on).
--
-- The terms are computed in Rust, so the store fills the new index right after this
-- migration, in the same transaction (`store::migrate`).
--
-- Texts written from now on are deflated BLOBs in `items.text` (`store::text`); rows written
-- before keep their TEXT value, which readers take as it is. No row is rewritten here.
-- No query looks items up by content hash (an item without GUID or URL is known by an identity
-- that holds its hash), so its index only cost space (84 bytes an item) and insert time.
DROP INDEX items_content_hash;

DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_fts USING fts5(
    terms,
    content = '',
    contentless_delete = 1,
    detail = none,
    tokenize = 'ascii'
);
-- Segments are merged once 16 of a level gather (default 4): a quarter of the merge work at
-- ingest, for a query that reads a few more segments (still milliseconds: benches/query.rs).
INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 16);
