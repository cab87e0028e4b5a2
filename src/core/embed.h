/* embed — files compiled into the binary (migrations, reference data).
 * Names are the repository paths, e.g. "src/db/migrations/0001_core.sql". */
#ifndef EJIA_CORE_EMBED_H
#define EJIA_CORE_EMBED_H
#include <stddef.h>
struct embedded_file { const char *name; const unsigned char *data; size_t size; };
extern const struct embedded_file embedded_files[];
/* The file whose name ends with suffix, or NULL. */
const struct embedded_file *embed_find(const char *suffix);
#endif
