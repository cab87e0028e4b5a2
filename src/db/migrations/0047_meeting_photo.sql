-- 0047 a meeting's photos (issue 15): one row per upload, the image itself kept
-- outside the database by its content (base/files.h: meeting-files-dir/<2 hex>/<sha256>),
-- its type read from its first bytes (JPEG, PNG, WebP), never from its name.
-- A photo removed keeps its row (who removed it, when, why): the record's
-- history; once the record has locked, adding or removing one is an
-- amendment (meeting_amendment, with its reason) as well.
CREATE TABLE meeting_photo (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meeting(id),
    filename TEXT NOT NULL,
    mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    width INTEGER,                            -- pixels, when the file's header gives them (meeting_photo_size)
    height INTEGER,
    uploaded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    removed_at BIGINT,
    removed_by TEXT,
    removed_reason TEXT
);
CREATE INDEX meeting_photo_meeting ON meeting_photo(meeting_id, id);
