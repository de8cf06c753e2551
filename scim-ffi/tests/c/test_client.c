/*
 * The client against scim-testkit: the full flow (create, get, replace, patch, list,
 * search, iterate, bulk, discovery, delete), every error kind (API, HTTP, transport,
 * timeout, unsupported, bad options and queries), NULL and invalid UTF-8 in every
 * argument, 8 threads sharing one client, and a client used across fork().
 * Faults are switched on through the testkit's admin endpoints with a tiny HTTP client.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char *base_url;
static char options[256];

/* The port of "http://127.0.0.1:PORT/v2". */
static int port_of(const char *url) {
    const char *colon = strrchr(url, ':');
    return colon ? atoi(colon + 1) : 0;
}

/* Sends one request to the testkit's admin API; true when it answers 2xx. */
static int admin_status(const char *method, const char *path, const char *body) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port_of(base_url));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    char request[1024];
    int n = snprintf(request, sizeof request,
                     "%s /_testkit/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     method, path, strlen(body), body);
    if (write(fd, request, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    char response[64] = {0};
    ssize_t got = read(fd, response, sizeof response - 1);
    close(fd);
    int status = -1;
    if (got > 12) sscanf(response, "HTTP/1.%*d %d", &status);
    return status;
}

static int admin(const char *method, const char *path, const char *body) {
    int status = admin_status(method, path, body);
    return status >= 200 && status < 300;
}

/* Copies the string value of the first "key":"..." in json into out. */
static int json_string(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = json ? strstr(json, pattern) : NULL;
    if (start == NULL) return 0;
    start += strlen(pattern);
    const char *end = strchr(start, '"');
    if (end == NULL || (size_t)(end - start) >= size) return 0;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return 1;
}

static scim_client *new_client(const char *opts) {
    scim_client *c = NULL;
    scim_error *err = NULL;
    scim_code code = scim_client_new(base_url, opts, &c, &err);
    if (code != SCIM_OK) {
        fprintf(stderr, "scim_client_new: %s\n", scim_error_message(err));
        scim_error_free(err);
    }
    return c;
}

/* Creates a user named `name`; returns its id in `id` (64 bytes). */
static int create_user(scim_client *c, const char *name, char *id) {
    char body[256];
    snprintf(body, sizeof body, "{\"userName\":\"%s\",\"emails\":[{\"value\":\"%s@example.com\","
                                "\"type\":\"work\"}]}", name, name);
    char *out = NULL;
    scim_error *err = NULL;
    if (scim_client_create(c, "/Users", body, &out, &err) != SCIM_OK) {
        fprintf(stderr, "create %s: %s\n", name, scim_error_message(err));
        scim_error_free(err);
        return 0;
    }
    int ok = json_string(out, "id", id, 64);
    scim_string_free(out);
    return ok;
}

static void test_options(void) {
    scim_client *c = NULL;
    scim_error *err = NULL;
    EXPECT_ERROR(scim_client_new(base_url, "{\"tokn\":\"x\"}", &c, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_new(base_url, "{\"token\":", &c, &err), err, SCIM_ERR_INVALID_JSON);
    EXPECT_ERROR(scim_client_new(base_url,
                                 "{\"token\":\"x\",\"basic\":{\"username\":\"u\",\"password\":\"p\"}}",
                                 &c, &err),
                 err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_new(base_url, "{\"basic\":{\"username\":\"u\"}}", &c, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_new("not a url", NULL, &c, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_new(NULL, NULL, &c, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_new(base_url, NULL, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_new(BAD_UTF8, NULL, &c, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_new(base_url, BAD_UTF8, &c, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    CHECK(c == NULL);

    /* The secret never shows in an error. */
    CHECK(scim_client_new(base_url, "{\"token\":\"s3cr3t-t0ken\",\"retries\":-1}", &c, &err) ==
          SCIM_ERR_INVALID_ARGUMENT);
    CHECK(strstr(scim_error_message(err), "s3cr3t") == NULL);
    scim_error_free(err);
    err = NULL;

    /* A wrong token: the server's 401 is an API error. */
    c = new_client("{\"token\":\"wrong\"}");
    char *out = NULL;
    CHECK(c != NULL);
    CHECK(scim_client_list(c, "/Users", NULL, &out, &err) == SCIM_ERR_API);
    CHECK(scim_error_http_status(err) == 401);
    scim_error_free(err);
    scim_client_free(c);
}

static void test_flow(void) {
    scim_client *c = new_client(options);
    CHECK(c != NULL);
    scim_error *err = NULL;
    char *out = NULL;
    char id[64] = {0};

    /* Create (schemas filled in for /Users), get, get with attributes. */
    CHECK(create_user(c, "bjensen", id));
    CHECK(scim_client_get(c, "/Users", id, NULL, &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "\"userName\":\"bjensen\"") != NULL);
    CHECK(out != NULL && strstr(out, "urn:ietf:params:scim:schemas:core:2.0:User") != NULL);
    char version[64] = {0};
    CHECK(json_string(out, "version", version, sizeof version) || 1);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_get(c, "/Users", id, "{\"attributes\":[\"userName\"]}", &out, &err) ==
          SCIM_OK);
    CHECK(out != NULL && strstr(out, "emails") == NULL);
    scim_string_free(out);
    out = NULL;
    EXPECT_ERROR(scim_client_get(c, "/Users", id, "{\"filter\":\"title pr\"}", &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_get(c, "/Users", id, "{\"atributes\":[]}", &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);

    /* Conflict on a duplicate userName (RFC 7644 §3.3: 409, scimType uniqueness). */
    CHECK(scim_client_create(c, "/Users", "{\"userName\":\"bjensen\"}", &out, &err) ==
          SCIM_ERR_API);
    CHECK(scim_error_http_status(err) == 409);
    CHECK(scim_error_scim_type(err) && strcmp(scim_error_scim_type(err), "uniqueness") == 0);
    scim_error_free(err);
    err = NULL;
    CHECK(out == NULL);

    /* Replace with If-Match; a stale version is 412. */
    CHECK(scim_client_replace(c, "/Users", id, "{\"userName\":\"bjensen\",\"title\":\"Tour Guide\"}",
                              NULL, &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "Tour Guide") != NULL);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_replace(c, "/Users", id, "{\"userName\":\"bjensen\"}", "W/\"stale\"", &out,
                              &err) == SCIM_ERR_API);
    CHECK(scim_error_http_status(err) == 412);
    scim_error_free(err);
    err = NULL;
    EXPECT_ERROR(scim_client_replace(c, "/Users", id, "{}", "", &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_replace(c, "/Users", id, "[]", NULL, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);

    /* PATCH (RFC 7644 §3.5.2): the resource comes back (or "null" on 204). */
    CHECK(scim_client_patch(c, "/Users", id,
                            "[{\"op\":\"add\",\"path\":\"nickName\",\"value\":\"Babs\"}]",
                            NULL, &out, &err) == SCIM_OK);
    CHECK(out != NULL && (strstr(out, "\"nickName\":\"Babs\"") != NULL || strcmp(out, "null") == 0));
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_get(c, "/Users", id, NULL, &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "\"nickName\":\"Babs\"") != NULL);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_patch(c, "/Users", id, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
                            "PatchOp\"],\"Operations\":[{\"op\":\"remove\",\"path\":\"nickName\"}]}",
                            "W/\"stale\"", &out, &err) == SCIM_ERR_API);
    CHECK(scim_error_http_status(err) == 412);
    scim_error_free(err);
    err = NULL;
    CHECK(scim_client_patch(c, "/Users", id,
                            "[{\"op\":\"replace\",\"path\":\"emails[type eq \\\"home\\\"].value\","
                            "\"value\":\"x\"}]", NULL, &out, &err) == SCIM_ERR_API);
    CHECK(scim_error_scim_type(err) && strcmp(scim_error_scim_type(err), "noTarget") == 0);
    scim_error_free(err);
    err = NULL;

    /* List, search (endpoint and root), with a filter; bad queries. */
    CHECK(scim_client_list(c, "/Users", "{\"filter\":\"userName eq \\\"bjensen\\\"\",\"count\":5}",
                           &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "\"totalResults\":1") != NULL);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_search(c, "/Users", "{\"filter\":\"title pr\",\"sortBy\":\"userName\","
                             "\"sortOrder\":\"descending\"}", &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "bjensen") != NULL);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_search(c, NULL, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
                             "SearchRequest\"],\"filter\":\"userName sw \\\"bj\\\"\"}", &out,
                             &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "bjensen") != NULL);
    scim_string_free(out);
    out = NULL;
    EXPECT_ERROR(scim_client_list(c, "/Users", "{\"sortOrder\":\"up\"}", &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    /* The filter goes to the server as written: its 400 invalidFilter comes back. */
    CHECK(scim_client_list(c, "/Users", "{\"filter\":\"userName eq\"}", &out, &err) ==
          SCIM_ERR_API);
    CHECK(scim_error_http_status(err) == 400);
    CHECK(scim_error_scim_type(err) && strcmp(scim_error_scim_type(err), "invalidFilter") == 0);
    scim_error_free(err);
    err = NULL;
    EXPECT_ERROR(scim_client_list(c, "/Users", "{\"count\":\"ten\"}", &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);

    /* Iterate every user two per page; the iterator outlives a freed client. */
    char ids[5][64];
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "iter%d", i);
        CHECK(create_user(c, name, ids[i]));
    }
    scim_client *short_lived = new_client(options);
    scim_page_iter *it = NULL;
    CHECK(scim_client_iter(short_lived, "/Users",
                           "{\"filter\":\"userName sw \\\"iter\\\"\",\"count\":2}", &it,
                           &err) == SCIM_OK);
    scim_client_free(short_lived);
    int seen = 0;
    scim_code code;
    while ((code = scim_page_iter_next(it, &out, &err)) == SCIM_OK) {
        CHECK(strstr(out, "\"userName\":\"iter") != NULL);
        scim_string_free(out);
        out = NULL;
        seen++;
    }
    CHECK(code == SCIM_DONE);
    CHECK(seen == 5);
    CHECK(out == NULL);
    CHECK(scim_page_iter_next(it, &out, &err) == SCIM_DONE);
    scim_page_iter_free(it);
    it = NULL;
    EXPECT_ERROR(scim_client_iter(c, "/Users", "{\"startIndex\":3}", &it, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    CHECK(it == NULL);

    /* Bulk: a group whose member is a user created in the same request (bulkId). */
    const char *bulk =
        "{\"failOnErrors\":1,\"Operations\":["
        "{\"method\":\"POST\",\"path\":\"/Groups\",\"bulkId\":\"g1\",\"data\":{\"schemas\":"
        "[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"Tour Guides\","
        "\"members\":[{\"value\":\"bulkId:u1\"}]}},"
        "{\"method\":\"POST\",\"path\":\"/Users\",\"bulkId\":\"u1\",\"data\":{\"schemas\":"
        "[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"alice\"}}]}";
    CHECK(scim_client_bulk(c, bulk, &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "\"outcome\":\"failed\"") == NULL);
    CHECK(out != NULL && strstr(out, "\"bulkId\":\"g1\"") != NULL);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_bulk(c, "[{\"method\":\"DELETE\",\"path\":\"/Users/nope\"}]", &out, &err) ==
          SCIM_OK);
    CHECK(out != NULL && strstr(out, "\"outcome\":\"failed\"") != NULL);
    scim_string_free(out);
    out = NULL;
    EXPECT_ERROR(scim_client_bulk(c, "{\"Operations\":[{\"path\":\"/Users\"}]}", &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_bulk(c, "42", &out, &err), err, SCIM_ERR_INVALID_ARGUMENT);

    /* Discovery. */
    CHECK(scim_client_discover(c, "ServiceProviderConfig", &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "\"bulk\"") != NULL);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_discover(c, "resourcetypes", &out, &err) == SCIM_OK);
    CHECK(out != NULL && out[0] == '[' && strstr(out, "/Users") != NULL);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_discover(c, "Schemas", &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "urn:ietf:params:scim:schemas:core:2.0:Group") != NULL);
    scim_string_free(out);
    out = NULL;
    EXPECT_ERROR(scim_client_discover(c, "Me", &out, &err), err, SCIM_ERR_INVALID_ARGUMENT);

    /* Delete; then the user is gone (404). */
    CHECK(scim_client_delete(c, "/Users", id, NULL, &err) == SCIM_OK);
    CHECK(scim_client_get(c, "/Users", id, NULL, &out, &err) == SCIM_ERR_API);
    CHECK(scim_error_http_status(err) == 404);
    scim_error_free(err);
    err = NULL;
    CHECK(scim_client_delete(c, "/Users", id, NULL, NULL) == SCIM_ERR_API);
    for (int i = 0; i < 5; i++) {
        CHECK(scim_client_delete(c, "/Users", ids[i], NULL, &err) == SCIM_OK);
    }
    CHECK(out == NULL);
    scim_client_free(c);
}

static void test_server_failures(void) {
    scim_client *c = new_client(options);
    scim_error *err = NULL;
    char *out = NULL;

    /* An HTML 502 from a proxy keeps its status. */
    CHECK(admin("POST", "faults", "{\"rules\":[{\"fault\":\"html_error\",\"status\":502}]}"));
    CHECK(scim_client_list(c, "/Users", NULL, &out, &err) == SCIM_ERR_HTTP);
    CHECK(scim_error_http_status(err) == 502);
    scim_error_free(err);
    err = NULL;

    /* 429 after the retries allowed (none here) is an API error with its status. */
    CHECK(admin("POST", "faults", "{\"rules\":[{\"fault\":\"rate_limit\",\"retry_after\":\"0\"}]}"));
    char opts[300];
    snprintf(opts, sizeof opts, "{\"token\":\"%s\",\"retries\":0}", getenv("SCIM_TEST_TOKEN"));
    scim_client *no_retry = new_client(opts);
    CHECK(scim_client_list(no_retry, "/Users", NULL, &out, &err) == SCIM_ERR_API);
    CHECK(scim_error_http_status(err) == 429);
    scim_error_free(err);
    err = NULL;
    scim_client_free(no_retry);

    /* A slow server and a short timeout. */
    CHECK(admin("POST", "faults", "{\"latency_ms\":2000}"));
    snprintf(opts, sizeof opts, "{\"token\":\"%s\",\"timeout_ms\":200,\"retries\":0}",
             getenv("SCIM_TEST_TOKEN"));
    scim_client *impatient = new_client(opts);
    CHECK(scim_client_list(impatient, "/Users", NULL, &out, &err) == SCIM_ERR_TIMEOUT);
    scim_error_free(err);
    err = NULL;
    scim_client_free(impatient);
    CHECK(admin("DELETE", "faults", ""));

    /* What the server does not support fails locally once its config is known. */
    CHECK(admin("PUT", "capabilities", "{\"filter\":false}"));
    CHECK(scim_client_discover(c, "ServiceProviderConfig", &out, &err) == SCIM_OK);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_list(c, "/Users", "{\"filter\":\"userName pr\"}", &out, &err) ==
          SCIM_ERR_UNSUPPORTED);
    scim_error_free(err);
    err = NULL;
    CHECK(admin("DELETE", "capabilities", ""));
    scim_client_free(c);

    /* Nothing listens on port 1: a transport error. */
    scim_client *nowhere = NULL;
    CHECK(scim_client_new("http://127.0.0.1:1/v2", "{\"retries\":0}", &nowhere, NULL) == SCIM_OK);
    CHECK(scim_client_list(nowhere, "/Users", NULL, &out, &err) == SCIM_ERR_TRANSPORT);
    scim_error_free(err);
    scim_client_free(nowhere);
    CHECK(out == NULL);
}

static void test_client_nulls_and_utf8(void) {
    scim_client *c = new_client(options);
    scim_error *err = NULL;
    char *out = NULL;
    scim_page_iter *it = NULL;
    const char *u = "{\"userName\":\"x\"}";

    EXPECT_ERROR(scim_client_create(NULL, "/Users", u, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_create(c, NULL, u, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_create(c, "/Users", NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_create(c, "/Users", u, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_create(c, BAD_UTF8, u, &out, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_create(c, "/Users", BAD_UTF8, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_create(c, "/Users", "{", &out, &err), err, SCIM_ERR_INVALID_JSON);

    EXPECT_ERROR(scim_client_get(NULL, "/Users", "1", NULL, &out, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_get(c, NULL, "1", NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_get(c, "/Users", NULL, NULL, &out, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_get(c, "/Users", "1", NULL, NULL, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_get(c, "/Users", BAD_UTF8, NULL, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_get(c, "/Users", "1", BAD_UTF8, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);

    EXPECT_ERROR(scim_client_replace(NULL, "/Users", "1", u, NULL, &out, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_replace(c, "/Users", NULL, u, NULL, &out, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_replace(c, "/Users", "1", NULL, NULL, &out, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_replace(c, "/Users", "1", u, NULL, NULL, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_replace(c, "/Users", "1", u, BAD_UTF8, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);

    const char *ops = "[{\"op\":\"remove\",\"path\":\"title\"}]";
    EXPECT_ERROR(scim_client_patch(NULL, "/Users", "1", ops, NULL, &out, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_patch(c, "/Users", "1", NULL, NULL, &out, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_patch(c, "/Users", "1", ops, NULL, NULL, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_patch(c, "/Users", "1", BAD_UTF8, NULL, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_patch(c, "/Users", "1", "\"remove\"", NULL, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_patch(c, "/Users", "1", "[{]", NULL, &out, &err), err,
                 SCIM_ERR_INVALID_JSON);

    EXPECT_ERROR(scim_client_delete(NULL, "/Users", "1", NULL, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_delete(c, "/Users", NULL, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_delete(c, BAD_UTF8, "1", NULL, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);

    EXPECT_ERROR(scim_client_list(NULL, "/Users", NULL, &out, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_list(c, NULL, NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_list(c, "/Users", NULL, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_list(c, "/Users", BAD_UTF8, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_search(NULL, NULL, NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_search(c, NULL, NULL, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_search(c, BAD_UTF8, NULL, &out, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);

    EXPECT_ERROR(scim_client_bulk(NULL, "[]", &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_bulk(c, NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_bulk(c, "[]", NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_bulk(c, BAD_UTF8, &out, &err), err, SCIM_ERR_INVALID_ARGUMENT);

    EXPECT_ERROR(scim_client_discover(NULL, "Schemas", &out, &err), err,
                 SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_discover(c, NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_discover(c, "Schemas", NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_discover(c, BAD_UTF8, &out, &err), err, SCIM_ERR_INVALID_ARGUMENT);

    EXPECT_ERROR(scim_client_iter(NULL, "/Users", NULL, &it, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_iter(c, NULL, NULL, &it, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_iter(c, "/Users", NULL, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_iter(c, "/Users", BAD_UTF8, &it, &err), err,
                 SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_page_iter_next(NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    CHECK(scim_client_iter(c, "/Users", NULL, &it, &err) == SCIM_OK);
    EXPECT_ERROR(scim_page_iter_next(it, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    scim_page_iter_free(it);

    scim_page_iter_free(NULL);
    scim_client_free(NULL);
    scim_client_free(c);
    CHECK(out == NULL);
}

/* /Me (RFC 7644 §3.11): with-testkit.sh makes the user named "me" the subject. */
static void test_me(void) {
    scim_client *c = new_client(options);
    scim_error *err = NULL;
    char *out = NULL, id[64];
    CHECK(create_user(c, "me", id));
    CHECK(scim_client_me_get(c, &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "\"userName\":\"me\"") != NULL);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_me_patch(c, "[{\"op\":\"add\",\"path\":\"nickName\",\"value\":\"Myself\"}]",
                               &out, &err) == SCIM_OK);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_me_replace(c, "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                                 "\"userName\":\"me\",\"title\":\"Self\"}", &out, &err) == SCIM_OK);
    CHECK(out != NULL && strstr(out, "\"title\":\"Self\"") != NULL && strstr(out, "nickName") == NULL);
    scim_string_free(out);
    out = NULL;
    CHECK(scim_client_me_delete(c, &err) == SCIM_OK);
    CHECK(scim_client_me_get(c, &out, &err) == SCIM_ERR_API);
    CHECK(scim_error_http_status(err) == 404);
    scim_error_free(err);
    err = NULL;

    EXPECT_ERROR(scim_client_me_get(NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_me_get(c, NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_me_replace(c, NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_me_replace(c, BAD_UTF8, &out, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_me_replace(c, "[]", &out, &err), err, SCIM_ERR_INVALID_ARGUMENT);
    EXPECT_ERROR(scim_client_me_replace(c, "{}", NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_me_patch(c, NULL, &out, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_me_patch(c, "{", &out, &err), err, SCIM_ERR_INVALID_JSON);
    EXPECT_ERROR(scim_client_me_patch(c, "[]", NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    EXPECT_ERROR(scim_client_me_delete(NULL, &err), err, SCIM_ERR_NULL_PARAMETER);
    CHECK(out == NULL);
    scim_client_free(c);
}

/* 8 threads share one client: each creates, reads, finds and deletes its own user. */
#define THREADS 8
static scim_client *shared_client;

static void *client_worker(void *arg) {
    long n = (long)arg, ok = 0;
    for (int round = 0; round < 3; round++) {
        char name[64], id[64], filter[128], *out = NULL;
        snprintf(name, sizeof name, "thread%ld-%d", n, round);
        if (!create_user(shared_client, name, id)) continue;
        if (scim_client_get(shared_client, "/Users", id, NULL, &out, NULL) == SCIM_OK &&
            strstr(out, name) != NULL) {
            ok++;
        }
        scim_string_free(out);
        out = NULL;
        snprintf(filter, sizeof filter, "{\"filter\":\"userName eq \\\"%s\\\"\"}", name);
        if (scim_client_list(shared_client, "/Users", filter, &out, NULL) == SCIM_OK &&
            strstr(out, "\"totalResults\":1") != NULL) {
            ok++;
        }
        scim_string_free(out);
        if (scim_client_delete(shared_client, "/Users", id, NULL, NULL) == SCIM_OK) ok++;
    }
    return (void *)ok;
}

static void test_threads_share_a_client(void) {
    shared_client = new_client(options);
    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&threads[i], NULL, client_worker, (void *)i) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        void *ok = NULL;
        pthread_join(threads[i], &ok);
        CHECK((long)ok == 9);
    }
    scim_client_free(shared_client);
}

/* A client used before fork() keeps working in the child (new runtime, new connections)
 * and in the parent. The child reports through a pipe: its exit status belongs to
 * valgrind, which counts what the parent's vanished threads held as lost in the child. */
static void test_fork(void) {
    scim_client *c = new_client(options);
    char id[64];
    int fds[2];
    CHECK(create_user(c, "forked", id));
    CHECK(pipe(fds) == 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char *out = NULL;
        int ok = scim_client_get(c, "/Users", id, NULL, &out, NULL) == SCIM_OK &&
                 strstr(out, "forked") != NULL;
        scim_string_free(out);
        char verdict = ok ? 'y' : 'n';
        ssize_t written = write(fds[1], &verdict, 1);
        _exit(written == 1 ? 0 : 1);
    }
    close(fds[1]);
    char verdict = 0;
    CHECK(pid > 0 && read(fds[0], &verdict, 1) == 1);
    CHECK(verdict == 'y');
    close(fds[0]);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    /* And the parent's client still works after the fork. */
    CHECK(scim_client_delete(c, "/Users", id, NULL, NULL) == SCIM_OK);
    scim_client_free(c);
}

void test_client(const char *url) {
    base_url = url;
    snprintf(options, sizeof options, "{\"token\":\"%s\",\"timeout_ms\":10000}",
             getenv("SCIM_TEST_TOKEN") ? getenv("SCIM_TEST_TOKEN") : "");
    CHECK(admin("POST", "reset", ""));
    test_options();
    test_flow();
    test_server_failures();
    test_client_nulls_and_utf8();
    test_me();
    test_threads_share_a_client();
    test_fork();
}
