/* Unit tests for the pure rules of organization-relation transfers
 * (src/transfer/transfer.c): the state machine — which step is allowed from
 * which state by which side, for each kind —, the letter's number, its
 * validity and when it is overdue; and the letter's PDF renders one page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "transfer/transfer.h"
#include "transfer/transfer_store.h"
#include "bulletin/bulletin.h"

static const char *const states[] = {"requested", "sent", "returned", "refused", "accepted", "cancelled", "letter", "completed"};
static const char *const actions[] = {"approve", "refuse", "cancel", "accept", "return", "resubmit", "receipt", "bogus"};
static const char *const sides[] = {TRANSFER_SENDER, TRANSFER_RECEIVER, TRANSFER_MEMBER, "city"};

/* The whole table, written out independently of transfer.c: kind, state, action, side → next. */
static const char *expected(const char *kind, const char *state, const char *action, const char *side) {
    bool in = !strcmp(kind, "internal"), out = !strcmp(kind, "out");
    bool sender = !strcmp(side, TRANSFER_SENDER), receiver = !strcmp(side, TRANSFER_RECEIVER), member = !strcmp(side, TRANSFER_MEMBER);
    if (!in && !out) return NULL;   /* a letter from outside is recorded as accepted: no step follows */
    if (!strcmp(state, "requested")) {
        if (!strcmp(action, "approve") && sender) return in ? "sent" : "letter";
        if (!strcmp(action, "refuse") && sender) return "refused";
        if (!strcmp(action, "cancel") && (sender || member)) return "cancelled";
        return NULL;
    }
    if (in && !strcmp(state, "sent")) {
        if (!strcmp(action, "accept") && receiver) return "accepted";
        if (!strcmp(action, "return") && receiver) return "returned";
        return NULL;
    }
    if (in && !strcmp(state, "returned")) {
        if (!strcmp(action, "resubmit") && sender) return "sent";
        if (!strcmp(action, "cancel") && sender) return "cancelled";
        return NULL;
    }
    if (out && !strcmp(state, "letter")) {
        if (!strcmp(action, "receipt") && sender) return "completed";
        if (!strcmp(action, "cancel") && sender) return "cancelled";
        return NULL;
    }
    return NULL;   /* refused, accepted, cancelled, completed: closed */
}

static void test_state_machine(void **state) {
    (void)state;
    static const char *const kinds[] = {"internal", "out", "in", "other"};
    int allowed = 0;
    for (size_t k = 0; k < 4; k++)
        for (size_t s = 0; s < 8; s++)
            for (size_t a = 0; a < 8; a++)
                for (size_t d = 0; d < 4; d++) {
                    const char *want = expected(kinds[k], states[s], actions[a], sides[d]);
                    const char *got = transfer_next(kinds[k], states[s], actions[a], sides[d]);
                    if (!want) {
                        if (got) fail_msg("%s %s %s by %s: want refused, got %s", kinds[k], states[s], actions[a], sides[d], got);
                    } else {
                        if (!got || strcmp(got, want))
                            fail_msg("%s %s %s by %s: want %s, got %s", kinds[k], states[s], actions[a], sides[d], want, got ? got : "refused");
                        allowed++;
                    }
                }
    assert_int_equal(allowed, 14);   /* internal 8, out 6 */
    assert_null(transfer_next(NULL, "requested", "approve", TRANSFER_SENDER));
    assert_null(transfer_next("internal", "requested", NULL, TRANSFER_SENDER));
    /* the receiver never approves its own intake; the member never accepts */
    assert_null(transfer_next("internal", "requested", "approve", TRANSFER_RECEIVER));
    assert_null(transfer_next("internal", "sent", "accept", TRANSFER_MEMBER));
    /* once approved the member can no longer withdraw */
    assert_null(transfer_next("internal", "sent", "cancel", TRANSFER_MEMBER));
}

static void test_states_and_words(void **state) {
    (void)state;
    for (size_t s = 0; s < 8; s++) {
        assert_true(transfer_state_ok(states[s]));
        assert_true(strcmp(transfer_state_label(states[s]), states[s]) != 0);   /* a Chinese label for each */
    }
    assert_false(transfer_state_ok("approved"));
    assert_false(transfer_state_ok(NULL));
    assert_true(transfer_kind_ok("internal") && transfer_kind_ok("out") && transfer_kind_ok("in"));
    assert_false(transfer_kind_ok("flow"));
    assert_true(transfer_state_open("requested") && transfer_state_open("sent") && transfer_state_open("returned") &&
                transfer_state_open("letter"));
    assert_false(transfer_state_open("accepted") || transfer_state_open("refused") || transfer_state_open("cancelled") ||
                 transfer_state_open("completed"));
    char why[256];
    transfer_refusal("accepted", "return", why, sizeof why);
    assert_string_equal(why, "该转接当前状态为“已接收”，不能退回。");
}

static void test_letter_number_and_validity(void **state) {
    (void)state;
    char no[128], until[11], month[8];
    transfer_letter_number("厦组转", 2026, 1, no, sizeof no);
    assert_string_equal(no, "厦组转〔2026〕第0001号");
    transfer_letter_number("厦组转", 2026, 12345, no, sizeof no);
    assert_string_equal(no, "厦组转〔2026〕第12345号");
    transfer_valid_until("2026-01-01", 90, until);
    assert_string_equal(until, "2026-03-31");   /* the day of issue is the first of the 90 */
    transfer_valid_until("2024-12-15", 90, until);
    assert_string_equal(until, "2025-03-14");
    transfer_valid_until("2026-01-01", 1, until);
    assert_string_equal(until, "2026-01-01");
    assert_false(transfer_overdue("letter", "2026-03-31", "2026-03-31"));   /* the last valid day */
    assert_true(transfer_overdue("letter", "2026-03-31", "2026-04-01"));
    assert_false(transfer_overdue("completed", "2026-03-31", "2026-05-01"));   /* the receipt came back */
    assert_false(transfer_overdue("letter", NULL, "2026-05-01"));
    transfer_month("2026-07-15", month);
    assert_string_equal(month, "2026-07");
}

static void test_letter_pdf(void **state) {
    (void)state;
    transfer_letter l = {.number = "厦组转〔2026〕第0001号", .name = "张三", .gender = "男", .ethnicity = "汉", .category = "正式党员",
                         .id_number = "350203198801017811", .from_name = "中共某公司支部委员会", .to_name = "中共北京市某支部委员会",
                         .reason = "工作调动", .issued_on = "2026-01-05", .valid_until = "2026-04-04", .paid_through = "2025-12",
                         .age = 38, .valid_days = 90};
    char path[] = "/tmp/ejia-transfer-letter-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    err e;
    assert_int_equal(transfer_letter_pdf(&l, path, &e), ST_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char head[5] = {0};
    assert_int_equal(fread(head, 1, 4, f), 4);
    fclose(f);
    assert_string_equal(head, "%PDF");
    if (!getenv("KEEP_PDF")) unlink(path);
    else fprintf(stderr, "letter: %s\n", path);
    close(fd);
}

/* The PDF's font caches (pango, cairo, fontconfig) released at the end, and the
   leak checker's suppression of cairo 1.16's own leak linked in with them, as
   the server does at exit (bulletin_render_shutdown). */
static int pdf_teardown(void **state) {
    (void)state;
    bulletin_render_shutdown();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_machine),
        cmocka_unit_test(test_states_and_words),
        cmocka_unit_test(test_letter_number_and_validity),
        cmocka_unit_test(test_letter_pdf),
    };
    return cmocka_run_group_tests(tests, NULL, pdf_teardown);
}
