/* scim_patch_apply and scim_diff: RFC 7644 §3.5.2 semantics, errors, NULL and UTF-8. */
#include <stdio.h>
#include <string.h>

#include "check.h"

static const char *USER =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"2819c223\","
    "\"userName\":\"bjensen\",\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\","
    "\"primary\":true}]}";

/* RFC 7644 §3.5.2.1: "add" of a multi-valued attribute appends; a new primary value
 * clears the old one (RFC 7643 §2.4). */
static void test_apply(void) {
    char *out = NULL;
    scim_error *err = NULL;
    const char *patch = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                        "\"Operations\":[{\"op\":\"add\",\"path\":\"emails\",\"value\":"
                        "[{\"value\":\"babs@example.org\",\"type\":\"home\",\"primary\":true}]},"
                        "{\"op\":\"replace\",\"path\":\"title\",\"value\":\"Tour Guide\"}]}";
    CHECK(scim_patch_apply(USER, patch, NULL, &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "babs@example.org") != NULL);
    CHECK(out != NULL && strstr(out, "\"primary\":false") != NULL);
    CHECK(out != NULL && strstr(out, "\"title\":\"Tour Guide\"") != NULL);
    scim_string_free(out);
    out = NULL;

    /* A bare array of operations is accepted too. */
    CHECK(scim_patch_apply(USER, "[{\"op\":\"remove\",\"path\":\"emails[type eq \\\"work\\\"]\"}]",
                           NULL, &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "emails") == NULL);
    scim_string_free(out);
    out = NULL;

    /* Lenient: what IdPs send ("Replace", "True"). */
    const char *entra = "[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"True\"}]";
    CHECK(scim_patch_apply(USER, entra, NULL, &out, NULL) == SCIM_ERR_PATCH);
    CHECK(scim_patch_apply(USER, entra, "{\"lenient\":true}", &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "\"active\":true") != NULL);
    scim_string_free(out);
}

static void test_apply_errors(void) {
    char *out = NULL;
    scim_error *err = NULL;

    /* RFC 7644 §3.5.2.3: a filter that matches nothing is noTarget; the index names the
     * failing operation, and nothing is returned (atomic). */
    CHECK(scim_patch_apply(USER, "[{\"op\":\"add\",\"path\":\"title\",\"value\":\"x\"},"
                           "{\"op\":\"replace\",\"path\":\"emails[type eq \\\"home\\\"].value\","
                           "\"value\":\"x\"}]", NULL, &out, &err) == SCIM_ERR_PATCH);
    CHECK(out == NULL);
    CHECK(strcmp(scim_error_scim_type(err), "noTarget") == 0);
    CHECK(scim_error_operation_index(err) == 1);
    scim_error_free(err);
    err = NULL;

    /* RFC 7644 §3.5.2: readOnly attributes cannot be modified (mutability). */
    CHECK(scim_patch_apply(USER, "[{\"op\":\"replace\",\"path\":\"id\",\"value\":\"other\"}]",
                           NULL, &out, &err) == SCIM_ERR_PATCH);
    CHECK(strcmp(scim_error_scim_type(err), "mutability") == 0);
    CHECK(scim_error_operation_index(err) == 0);
    scim_error_free(err);
    err = NULL;

    /* A path that does not parse is invalidPath. */
    CHECK(scim_patch_apply(USER, "[{\"op\":\"remove\",\"path\":\"emails[type eq]\"}]", NULL, &out,
                           &err) == SCIM_ERR_PATCH);
    CHECK(strcmp(scim_error_scim_type(err), "invalidPath") == 0);
    scim_error_free(err);
    err = NULL;

    EXPECT_ERROR(scim_patch_apply(USER, "[]", "{\"lenient\":1}", &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_patch_apply(USER, "[]", "{\"strict\":true}", &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_patch_apply(USER, "\"add\"", NULL, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_patch_apply("[1]", "[]", NULL, &out, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_patch_apply("{", "[]", NULL, &out, &err), err, SCIM_ERR_INVALID_JSON);
    EXPECT_ERROR(scim_patch_apply(USER, "[", NULL, &out, &err), err, SCIM_ERR_INVALID_JSON);
    EXPECT_ERROR(scim_patch_apply(NULL, "[]", NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_patch_apply(USER, NULL, NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_patch_apply(USER, "[]", NULL, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_patch_apply(BAD_UTF8, "[]", NULL, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_patch_apply(USER, BAD_UTF8, NULL, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_patch_apply(USER, "[]", BAD_UTF8, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
}

/* diff(old, new) applied to old gives new; one new member is one small operation. */
static void test_diff(void) {
    const char *old_group =
        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"id\":\"g\","
        "\"displayName\":\"Tour Guides\",\"members\":[{\"value\":\"a\"},{\"value\":\"b\"}]}";
    const char *new_group =
        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"id\":\"g\","
        "\"displayName\":\"Tour Guides\",\"members\":[{\"value\":\"a\"},{\"value\":\"c\"}]}";
    char *patch = NULL, *applied = NULL;
    scim_error *err = NULL;
    CHECK(scim_diff(old_group, new_group, NULL, &patch, &err) == SCIM_OK);
    CHECK(patch != NULL && strstr(patch, "members[value eq \\\"b\\\"]") != NULL);
    CHECK(patch != NULL && strstr(patch, "\"value\":\"c\"") != NULL);
    CHECK(scim_patch_apply(old_group, patch, NULL, &applied, &err) == SCIM_OK);
    CHECK(applied != NULL && strcmp(applied, new_group) == 0);
    scim_string_free(patch);
    scim_string_free(applied);
    patch = NULL;

    CHECK(scim_diff(old_group, new_group, "{\"member_removal\":\"value_list\"}", &patch, &err) ==
          SCIM_OK);
    CHECK(patch != NULL && strstr(patch, "members[") == NULL);
    scim_string_free(patch);
    patch = NULL;
    CHECK(scim_diff(old_group, old_group, NULL, &patch, &err) == SCIM_OK);
    CHECK(patch != NULL && strstr(patch, "\"Operations\":[]") != NULL);
    scim_string_free(patch);
    patch = NULL;

    EXPECT_ERROR(scim_diff(old_group, new_group, "{\"member_removal\":\"all\"}", &patch, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_diff(old_group, "[]", NULL, &patch, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_diff("{", new_group, NULL, &patch, &err), err, SCIM_ERR_INVALID_JSON);
    EXPECT_ERROR(scim_diff(NULL, new_group, NULL, &patch, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_diff(old_group, NULL, NULL, &patch, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_diff(old_group, new_group, NULL, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_diff(BAD_UTF8, new_group, NULL, &patch, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_diff(old_group, BAD_UTF8, NULL, &patch, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    CHECK(patch == NULL);
}

void test_patch(void) {
    test_apply();
    test_apply_errors();
    test_diff();
}
