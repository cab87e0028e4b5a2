-- Uploaded files where every server sees them (issue 20): on PostgreSQL the bytes of each kept file
-- (base/files.h: meeting photos, an applicant's documents, course files, review items, alliance
-- files, election records, points evidence) are kept in the database too, in chunks of 1 MiB, so a
-- server that has no copy in its folder fetches one.  A file is whole when its stored_file row is
-- there (written last, in the same transaction as its chunks).  SQLite (one server) keeps the folder alone.
CREATE TABLE stored_file (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    chunks INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE stored_file_chunk (
    sha256 TEXT NOT NULL,
    n INTEGER NOT NULL,
    data {{BLOB}} NOT NULL,
    PRIMARY KEY (sha256, n)
);
