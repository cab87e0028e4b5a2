/* fuzz_photo — libFuzzer target for a meeting photo's header (meeting/meeting.c):
 * the type by its first bytes and the width and height read from a PNG's IHDR,
 * a JPEG's segments up to its frame, a WebP's VP8, VP8L or VP8X header.  The
 * bytes are what an upload's first 256 KiB would be. */
#include <stddef.h>
#include <stdint.h>
#include "meeting/meeting.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int w, h;
    const char *type = meeting_photo_type(data, size);
    if (meeting_photo_size(data, size, &w, &h) && (!type || w <= 0 || h <= 0)) __builtin_trap();
    return 0;
}
