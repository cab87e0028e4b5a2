-- 0067 the city map (issue 19, Map): where enterprises are, and where each
-- coordinate came from.  Nothing here is geocoded.  Coordinates are kept as
-- whole millionths of a degree (portable, exact): lng_e6 118089123 = 118.089123°.
--   enterprise_coord: a coordinate an enterprise was given — from a ledger's
--     经度/纬度 columns (source 'ledger', the import and row named) or set on the
--     register's enterprise page (source 'form', picked on the map).  An
--     enterprise without one is drawn at its street's or district's centroid
--     and labelled 近似位置 (source 'centroid', worked out when read).
--   map_centroid: the centroid of each region the shipped map draws (the six
--     districts of web/src/assets/map/xiamen-districts.json, property
--     `centroid`, made by scripts/map-geojson.mjs; the data has no streets).
--   ledger_record.lng_e6/lat_e6: a ledger row's optional 经度/纬度 columns.
CREATE TABLE enterprise_coord (
    enterprise_id BIGINT PRIMARY KEY REFERENCES enterprise(id),
    lng_e6 BIGINT NOT NULL,
    lat_e6 BIGINT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('ledger', 'form')),
    ledger_import_id BIGINT,
    ledger_row INTEGER,
    set_by TEXT,
    set_at BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE map_centroid (
    region_code TEXT PRIMARY KEY,
    lng_e6 BIGINT NOT NULL,
    lat_e6 BIGINT NOT NULL,
    source TEXT NOT NULL
);
INSERT INTO map_centroid(region_code, lng_e6, lat_e6, source) VALUES
    ('350203', 118134250, 24462860, 'xiamen-districts.json'),
    ('350205', 117989910, 24516930, 'xiamen-districts.json'),
    ('350206', 118139280, 24519710, 'xiamen-districts.json'),
    ('350211', 118028300, 24629600, 'xiamen-districts.json'),
    ('350212', 118110250, 24769070, 'xiamen-districts.json'),
    ('350213', 118270870, 24645970, 'xiamen-districts.json');
ALTER TABLE ledger_record ADD COLUMN lng_e6 BIGINT;
ALTER TABLE ledger_record ADD COLUMN lat_e6 BIGINT;
