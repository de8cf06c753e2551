/*
 * C tests of libscim: every function, every error path, NULL and invalid UTF-8 in every
 * argument, and 8 threads sharing one filter (and one client when a server is given).
 *
 * Built with -Wall -Wextra -Werror -std=c11 against the shared and the static library,
 * run under valgrind and again under AddressSanitizer + UBSan by run.sh.
 * The client tests (test_client.c) run against the scim-testkit server whose URL is in
 * SCIM_TEST_URL: run.sh runs under scim-ffi/tests/with-testkit.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scim.h"
#include "check.h"

int checks_passed = 0;
int checks_failed = 0;

void check_at(int ok, const char *what, const char *file, int line) {
    if (ok) {
        checks_passed++;
    } else {
        checks_failed++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    }
}

/* A string that is not UTF-8 (a lone continuation byte). */
const char BAD_UTF8[] = {'u', 's', 'e', 'r', (char)0x80, '\0'};

static const char *USER =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
    "\"userName\":\"bjensen\",\"active\":true,"
    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\",\"primary\":true},"
    "{\"value\":\"babs@example.org\",\"type\":\"home\"}]}";

/* Expects `code` with a non-empty message, then frees the error. */
void expect_error(scim_code got, scim_error *err, scim_code want, const char *what,
                  const char *file, int line) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s: code %d, want %d", what, (int)got, (int)want);
    check_at(got == want, buf, file, line);
    check_at(err != NULL, "error object set", file, line);
    if (err != NULL) {
        check_at(scim_error_code(err) == want, "scim_error_code agrees", file, line);
        check_at(strlen(scim_error_message(err)) > 0, "error has a message", file, line);
        scim_error_free(err);
    }
}

static void test_version(void) {
    CHECK(strcmp(scim_version(), "0.1.0") >= 0);
    CHECK(strchr(scim_version(), '.') != NULL);
}

static void test_filter_roundtrip(void) {
    scim_filter *f = NULL;
    scim_error *err = NULL;
    CHECK(scim_filter_parse("userName EQ \"bjensen\" AND emails[type eq \"work\"]", NULL, &f,
                            &err) == SCIM_OK);
    CHECK(f != NULL);
    CHECK(err == NULL);

    char *text = NULL;
    CHECK(scim_filter_to_string(f, &text, &err) == SCIM_OK);
    CHECK(text != NULL && strcmp(text, "userName eq \"bjensen\" and emails[type eq \"work\"]") == 0);
    scim_string_free(text);

    bool matched = false;
    CHECK(scim_filter_matches(f, USER, &matched, &err) == SCIM_OK);
    CHECK(matched);
    CHECK(scim_filter_matches(f, "{\"userName\":\"other\"}", &matched, &err) == SCIM_OK);
    CHECK(!matched);
    scim_filter_free(f);

    /* Case-insensitive string comparison unless caseExact (RFC 7643 §2.1). */
    CHECK(scim_filter_parse("userName eq \"BJENSEN\"", NULL, &f, NULL) == SCIM_OK);
    CHECK(scim_filter_matches(f, USER, &matched, NULL) == SCIM_OK && matched);
    scim_filter_free(f);
}

static void test_filter_errors(void) {
    scim_filter *f = NULL;
    scim_error *err = NULL;

    /* Syntax error: code, offset, scimType, caret message; output untouched. */
    CHECK(scim_filter_parse("userName eq bjensen", NULL, &f, &err) == SCIM_ERR_INVALID_FILTER);
    CHECK(f == NULL);
    CHECK(scim_error_position(err) == 12);
    CHECK(strcmp(scim_error_scim_type(err), "invalidFilter") == 0);
    CHECK(strstr(scim_error_message(err), "^") != NULL);
    CHECK(scim_error_http_status(err) == 0);
    CHECK(scim_error_operation_index(err) == -1);
    scim_error_free(err);
    err = NULL;

    /* err may be NULL: the code alone. */
    CHECK(scim_filter_parse("(", NULL, &f, NULL) == SCIM_ERR_INVALID_FILTER);
    CHECK(f == NULL);

    /* Options: lenient accepts the Entra ID form; unknown keys and bad JSON are errors. */
    const char *entra = "emails[type eq \"work\"].value eq \"bjensen@example.com\"";
    CHECK(scim_filter_parse(entra, NULL, &f, NULL) == SCIM_ERR_INVALID_FILTER);
    CHECK(scim_filter_parse(entra, "{\"lenient\":true}", &f, &err) == SCIM_OK);
    bool matched = false;
    CHECK(scim_filter_matches(f, USER, &matched, &err) == SCIM_OK && matched);
    scim_filter_free(f);
    f = NULL;
    EXPECT_ERROR(scim_filter_parse("title pr", "{\"lenent\":true}", &f, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_filter_parse("title pr", "{\"lenient\":", &f, &err), err,
                 SCIM_ERR_INVALID_JSON);
    EXPECT_ERROR(scim_filter_parse("title pr", "[]", &f, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_filter_parse("((title pr))", "{\"max_depth\":1}", &f, &err), err,
                 SCIM_ERR_INVALID_FILTER);
    CHECK(f == NULL);

    /* Evaluation errors and bad resources. */
    CHECK(scim_filter_parse("active gt true", NULL, &f, NULL) == SCIM_OK);
    EXPECT_ERROR(scim_filter_matches(f, USER, &matched, &err), err, SCIM_ERR_INVALID_FILTER);
    EXPECT_ERROR(scim_filter_matches(f, "{\"userName\":", &matched, &err), err,
                 SCIM_ERR_INVALID_JSON);
    EXPECT_ERROR(scim_filter_matches(f, "[1,2]", &matched, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    scim_filter_free(f);
}

static void test_nulls_and_utf8(void) {
    scim_filter *f = NULL;
    scim_error *err = NULL;
    bool matched = false;
    char *text = NULL;

    EXPECT_ERROR(scim_filter_parse(NULL, NULL, &f, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_filter_parse("title pr", NULL, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_filter_parse(BAD_UTF8, NULL, &f, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_filter_parse("title pr", BAD_UTF8, &f, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    CHECK(f == NULL);

    CHECK(scim_filter_parse("title pr", NULL, &f, NULL) == SCIM_OK);
    EXPECT_ERROR(scim_filter_matches(NULL, USER, &matched, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_filter_matches(f, NULL, &matched, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_filter_matches(f, USER, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_filter_matches(f, BAD_UTF8, &matched, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_filter_to_string(NULL, &text, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_filter_to_string(f, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    CHECK(text == NULL);
    scim_filter_free(f);

    EXPECT_ERROR(scim_path_validate(NULL, &text, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_path_validate(BAD_UTF8, &text, &err), err, SCIM_ERR_INVALID_ARGUMENT);

    /* Every accessor and every _free accepts NULL. */
    CHECK(scim_error_code(NULL) == SCIM_ERR_NULL_PARAMETER);
    CHECK(strcmp(scim_error_message(NULL), "") == 0);
    CHECK(scim_error_http_status(NULL) == 0);
    CHECK(scim_error_scim_type(NULL) == NULL);
    CHECK(scim_error_position(NULL) == -1);
    CHECK(scim_error_operation_index(NULL) == -1);
    scim_error_free(NULL);
    scim_filter_free(NULL);
    scim_string_free(NULL);
}

static void test_path(void) {
    char *canonical = NULL;
    scim_error *err = NULL;
    CHECK(scim_path_validate("emails[type EQ \"work\"].value", &canonical, &err) == SCIM_OK);
    CHECK(canonical != NULL && strcmp(canonical, "emails[type eq \"work\"].value") == 0);
    scim_string_free(canonical);
    canonical = NULL;
    CHECK(scim_path_validate(
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", NULL,
              NULL) == SCIM_OK);
    CHECK(scim_path_validate("name.givenName.x", &canonical, &err) == SCIM_ERR_INVALID_PATH);
    CHECK(canonical == NULL);
    CHECK(scim_error_position(err) == 14);
    CHECK(strcmp(scim_error_scim_type(err), "invalidPath") == 0);
    scim_error_free(err);
}

/* 8 threads evaluate one shared filter concurrently. */
#define THREADS 8

static void *filter_worker(void *arg) {
    const scim_filter *f = arg;
    long ok = 0;
    for (int i = 0; i < 200; i++) {
        bool matched = false;
        char *text = NULL;
        if (scim_filter_matches(f, USER, &matched, NULL) == SCIM_OK && matched &&
            scim_filter_to_string(f, &text, NULL) == SCIM_OK) {
            ok++;
        }
        scim_string_free(text);
    }
    return (void *)ok;
}

static void test_threads_share_a_filter(void) {
    scim_filter *f = NULL;
    CHECK(scim_filter_parse("emails[type eq \"work\" and value ew \"@example.com\"]", NULL, &f,
                            NULL) == SCIM_OK);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&threads[i], NULL, filter_worker, f) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        void *ok = NULL;
        pthread_join(threads[i], &ok);
        CHECK((long)ok == 200);
    }
    scim_filter_free(f);
}

int main(void) {
    test_version();
    test_filter_roundtrip();
    test_filter_errors();
    test_nulls_and_utf8();
    test_path();
    test_patch();
    test_threads_share_a_filter();

    /* The client tests need the server run.sh starts through with-testkit.sh. */
    const char *url = getenv("SCIM_TEST_URL");
    CHECK(url != NULL && *url != '\0');
    if (url != NULL && *url != '\0') {
        test_client(url);
    }

    printf("%d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
