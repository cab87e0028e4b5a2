/* notice — notices (通知公告) and reminders, the pure rules: who may send to
 * which place (the sender's own scope, or an organization inside it), the
 * title and body checked, the channels a notice goes out through, and what a
 * reminder says.  No SQL, no HTTP; notice_store.h has the use cases.
 *
 * Channels.  A published notice goes out through every channel listed in the
 * setting notice-channels (default "app").  A channel is a row of
 * notice_channels[] (notice.c): a name, a Chinese label and a send function
 * given the notice and its recipients.  The in-app channel ("app") is the
 * only one here: its inbox is the notice_recipient rows the store writes when
 * it publishes, so its send does nothing more.  A deployment that connects
 * SMS or WeChat adds a row with its own send (docs/internals.md, "Notices");
 * none is faked here. */
#ifndef EJIA_NOTICE_NOTICE_H
#define EJIA_NOTICE_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

enum { NOTICE_TITLE_MAX = 100, NOTICE_BODY_MAX = 20000, NOTICE_CHANNELS_MAX = 8 };

/* The level a sender bound to scope kind sends at: "city", "district",
 * "park", "org"; NULL when that scope sends nothing (a member, an investor). */
const char *notice_level_of(const char *scope_kind);

/* The place a notice is addressed to: the sender's own scope, or (org_id > 0)
 * one organization inside it and those below.  The scope check of the
 * organization is the route's (org:.org_id); this rule says which level. */
typedef struct notice_place {
    const char *level;   /* "city", "district", "park", "org" */
    const char *code;    /* '3502', the district or park code, the organization's id (text) */
} notice_place;
st notice_place_of(const char *scope_kind, const char *scope_code, int64_t org_id, char org_code[24], notice_place *p, err *e);

/* Title: 2..NOTICE_TITLE_MAX characters after trimming, one line; body:
 * 1..NOTICE_BODY_MAX characters, line breaks and tabs allowed, no other
 * control characters.  Chinese messages naming the field. */
st notice_check_text(const char *title, const char *body, err *e);

/* A notice as a channel sees it, and one recipient. */
typedef struct notice_msg {
    int64_t id;
    const char *title, *body, *sender, *scope_name;
} notice_msg;
typedef struct notice_to {
    int64_t person_id;
    const char *name;
} notice_to;

typedef struct notice_channel {
    const char *name;        /* as listed in the setting notice-channels */
    const char *label;       /* Chinese, shown with the notice */
    bool inbox;              /* the recipient rows are its delivery (the in-app channel): no recipient list is built for it */
    /* Deliver m to its n recipients; a refusal rolls the publication back
     * (the notice stays a draft) with the channel's Chinese message. */
    st (*send)(const notice_msg *m, const notice_to *to, size_t n, err *e);
} notice_channel;
extern const notice_channel notice_channels[];   /* NULL-name terminated */
const notice_channel *notice_channel_find(const char *name);
/* The channels a setting's value lists ("app", "app,sms"; commas or spaces):
 * each known, none twice, at least one. */
st notice_channels_parse(const char *setting, const notice_channel **out, size_t *n, err *e);

/* Reminders: is a meeting's check-in open now (meeting_window_open with the
 * rule-meeting-checkin-before/after settings)? */
bool notice_checkin_open(int64_t now, int64_t starts_at, int64_t ends_at);

/* An epoch second as China's local "YYYY-MM-DD HH:MM" (read receipts in lists and exports). */
void notice_local_time(int64_t t, char out[17]);

#endif
