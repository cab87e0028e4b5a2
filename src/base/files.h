/* files — uploads kept outside the database, by content: a file is stored
 * once as <dir>/<2 hex>/<sha256> (written to a temporary name, flushed, then
 * renamed, so a reader never sees half a file), before the row that names it
 * is written (a row never names a file that is not there; a file without a
 * row is harmless).  Used by develop/ (an applicant's documents), meeting/
 * (a meeting's photos), study/ (course files), review/, alliance/,
 * committee/ (election records) and points/ (claims' evidence).
 *
 * Several servers on one PostgreSQL (issue 20): files_put keeps the bytes in
 * the database too (migration 0077, in the caller's transaction), and
 * files_local fetches a copy into this server's folder when it has none — so
 * the folder is a cache on PostgreSQL and a file uploaded through one server
 * is served by every other.  On SQLite (one server) the folder is the only
 * copy: back it up with the database. */
#ifndef EJIA_BASE_FILES_H
#define EJIA_BASE_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "base/uc.h"
#include "core/err.h"

/* The folder a setting names; when it is empty, beside the SQLite file
 * (<db>.files), or var/files on PostgreSQL.  In a's memory. */
const char *files_dir(arena *a, const char *setting);
/* Read a file: its size, its first bytes (up to cap into head, *nhead of
 * them) and its SHA-256 in hex. */
st files_digest(const char *path, int64_t *size, unsigned char *head, size_t cap, size_t *nhead, char hex[65], err *e);
/* Keep the file at path as dir/<ab>/<sha> (nothing to do when it is there
 * already); setting names the folder's setting in the messages. */
st files_keep(arena *a, const char *dir, const char *setting, const char *path, const char *sha, err *e);
/* Where a kept file is: dir/<ab>/<sha>, in a's memory. */
const char *files_path(arena *a, const char *dir, const char *sha);

/* The file at path (its SHA-256 sha) kept for good: files_keep in the
 * setting's folder, and on PostgreSQL its bytes in the database too (nothing
 * to do when they are there already).  Inside the caller's use case. */
st files_put(uc *c, const char *setting, const char *path, const char *sha, err *e);
/* Where this server has the kept file sha, in c's memory: the setting's
 * folder — on PostgreSQL a copy fetched from the database first when the
 * folder has none (a failure is logged; the caller finds no file there and
 * says which one is missing). */
const char *files_local(uc *c, const char *setting, const char *sha);

#endif
