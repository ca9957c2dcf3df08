--liquibase formatted sql

--changeset todo:002-search-extensions
-- Both are contrib modules: shipped with the embedded PostgreSQL binaries and offered by managed
-- services such as Neon. btree_gin lets the owner lead a GIN index, as it leads every btree one.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS btree_gin;
--rollback DROP EXTENSION btree_gin; DROP EXTENSION unaccent;

--changeset todo:002-search-functions
-- Text search (q=) is full text, not trigrams: it finds words and the beginnings of words
-- ("inv" finds "Invoice"), which is what people type into a search box; trigrams would match
-- inside words ("cat" finding "education") and use no index below three characters. The
-- 'simple' configuration does not stem, so it treats every language alike, and unaccent folds
-- "Café" and "CAFE" to "cafe" on both sides. unaccent() is only STABLE (its dictionary could be
-- changed), so an index needs these IMMUTABLE wrappers; their SQL-standard bodies bind the
-- dictionary and functions when created, whatever the search_path of later callers.
CREATE FUNCTION todo_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN unaccent('unaccent'::regdictionary, $1);
CREATE FUNCTION todo_search_vector(title text, description text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('simple'::regconfig, todo_unaccent(title || ' ' || coalesce(description, '')));
-- Every word of the query, as a prefix, must match: the query goes through the same parser and
-- folding as the text, and its lexemes become a tsquery verbatim, so no user input is ever
-- parsed as tsquery syntax.
CREATE FUNCTION todo_search_query(q text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT coalesce(string_agg('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || ''':*', ' & '), '')::tsquery
            FROM unnest(to_tsvector('simple'::regconfig, todo_unaccent(q))));
--rollback DROP FUNCTION todo_search_query(text); DROP FUNCTION todo_search_vector(text, text); DROP FUNCTION todo_unaccent(text);

--changeset todo:002-search-index
-- Led by the owner like the list indexes, so that a search reads only the caller's rows.
CREATE INDEX tasks_user_search_idx ON tasks USING gin (user_id, todo_search_vector(title, description));
--rollback DROP INDEX tasks_user_search_idx;
