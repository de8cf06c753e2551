/* Shared by the C test files: checks that count instead of aborting. */
#ifndef SCIM_TEST_CHECK_H
#define SCIM_TEST_CHECK_H

#include "scim.h"

extern int checks_passed;
extern int checks_failed;
extern const char BAD_UTF8[];

void check_at(int ok, const char *what, const char *file, int line);
void expect_error(scim_code got, scim_error *err, scim_code want, const char *what,
                  const char *file, int line);

#define CHECK(cond) check_at((cond) ? 1 : 0, #cond, __FILE__, __LINE__)
/* Expects the call to fail with `want`; checks and frees the error, resets `err`. */
#define EXPECT_ERROR(call, err, want)                                        \
    do {                                                                     \
        scim_code got_ = (call);                                             \
        expect_error(got_, (err), (want), #call, __FILE__, __LINE__);        \
        (err) = NULL;                                                        \
    } while (0)


void test_patch(void);
void test_client(const char *url);

#endif
