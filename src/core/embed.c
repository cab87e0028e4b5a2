/* embed — lookup in the generated table (see scripts/embed.c). */
#include "embed.h"
#include <string.h>

const struct embedded_file *embed_find(const char *suffix) {
    size_t sl = strlen(suffix);
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        size_t nl = strlen(f->name);
        if (nl >= sl && strcmp(f->name + nl - sl, suffix) == 0) return f;
    }
    return NULL;
}
