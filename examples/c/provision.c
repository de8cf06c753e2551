/*
 * Provision users and a group to a SCIM 2.0 server from C, the way an identity
 * provider's connector does: discover the server, create users, create a group with
 * them, change the group with a computed PATCH (scim_diff), list with a filter, walk
 * every user page by page, and clean up with one bulk request.
 *
 * Build: cc $(pkg-config --cflags scim) provision.c $(pkg-config --libs scim) -o provision
 * Run:   SCIM_URL=https://example.com/scim/v2 SCIM_TOKEN=... ./provision
 * (scripts/test runs it against scim-testkit.)
 *
 * Resources go in and out as JSON text. To stay dependency-free this example finds ids
 * with strstr; a real program would use a JSON library (jansson, cJSON).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scim.h>

#define USERS 3

/* Prints the error of a failed call, frees it and exits. */
static void check(scim_code code, scim_error *err, const char *what) {
    if (code == SCIM_OK) return;
    fprintf(stderr, "%s failed (code %d, HTTP %d, scimType %s): %s\n", what, (int)code,
            scim_error_http_status(err),
            scim_error_scim_type(err) ? scim_error_scim_type(err) : "-",
            scim_error_message(err));
    scim_error_free(err);
    exit(1);
}

/* Copies the value of the first "id":"..." in a resource. */
static void id_of(const char *json, char *id, size_t size) {
    const char *start = strstr(json, "\"id\":\"");
    const char *end = start ? strchr(start + 6, '"') : NULL;
    if (start == NULL || end == NULL || (size_t)(end - start - 6) >= size) {
        fprintf(stderr, "no id in %s\n", json);
        exit(1);
    }
    memcpy(id, start + 6, (size_t)(end - start - 6));
    id[end - start - 6] = '\0';
}

int main(void) {
    const char *url = getenv("SCIM_URL");
    const char *token = getenv("SCIM_TOKEN");
    if (url == NULL || *url == '\0') {
        fprintf(stderr, "usage: SCIM_URL=<base URL> [SCIM_TOKEN=<bearer token>] %s\n",
                "provision");
        return 2;
    }
    printf("libscim %s, server %s\n", scim_version(), url);

    /* 1. A client: options are JSON; unknown keys are an error, never ignored. */
    char options[512];
    snprintf(options, sizeof options, "{\"token\":\"%s\",\"timeout_ms\":10000,\"retries\":3}",
             token ? token : "");
    scim_client *client = NULL;
    scim_error *err = NULL;
    check(scim_client_new(url, token ? options : "{\"timeout_ms\":10000}", &client, &err), err,
          "scim_client_new");

    /* 2. Discovery: from now on the client honours what the server supports. */
    char *config = NULL;
    check(scim_client_discover(client, "ServiceProviderConfig", &config, &err), err,
          "discover");
    printf("server supports bulk: %s\n",
           strstr(config, "\"bulk\":{\"supported\":true") ? "yes" : "see its config");
    scim_string_free(config);

    /* 3. Users. */
    char ids[USERS][128];
    const char *names[USERS] = {"c-bjensen", "c-jsmith", "c-mdoe"};
    for (int i = 0; i < USERS; i++) {
        char user[512], *created = NULL;
        snprintf(user, sizeof user,
                 "{\"userName\":\"%s\",\"active\":true,"
                 "\"emails\":[{\"value\":\"%s@example.com\",\"type\":\"work\",\"primary\":true}]}",
                 names[i], names[i]);
        check(scim_client_create(client, "/Users", user, &created, &err), err, "create user");
        id_of(created, ids[i], sizeof ids[i]);
        scim_string_free(created);
        printf("created user %s (%s)\n", names[i], ids[i]);
    }

    /* 4. A group with every user, then a PATCH computed from the change we want: the
     *    last user leaves. scim_diff gives one small operation, not the whole list. */
    char old_group[1024], new_group[1024], *group = NULL, group_id[128];
    snprintf(old_group, sizeof old_group,
             "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
             "\"displayName\":\"C Tour Guides\",\"members\":[{\"value\":\"%s\"},{\"value\":\"%s\"},"
             "{\"value\":\"%s\"}]}", ids[0], ids[1], ids[2]);
    snprintf(new_group, sizeof new_group,
             "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
             "\"displayName\":\"C Tour Guides\",\"members\":[{\"value\":\"%s\"},{\"value\":\"%s\"}]}",
             ids[0], ids[1]);
    check(scim_client_create(client, "/Groups", old_group, &group, &err), err, "create group");
    id_of(group, group_id, sizeof group_id);
    scim_string_free(group);
    char *patch = NULL, *patched = NULL;
    check(scim_diff(old_group, new_group, NULL, &patch, &err), err, "scim_diff");
    printf("PATCH for the change: %s\n", patch);
    check(scim_client_patch(client, "/Groups", group_id, patch, NULL, &patched, &err), err,
          "patch group");
    scim_string_free(patch);
    scim_string_free(patched);

    /* 5. Filters: checked locally, then sent. */
    scim_filter *filter = NULL;
    const char *text = "userName sw \"c-\" and emails[type eq \"work\"]";
    check(scim_filter_parse(text, NULL, &filter, &err), err, "scim_filter_parse");
    char *canonical = NULL;
    check(scim_filter_to_string(filter, &canonical, &err), err, "scim_filter_to_string");
    char query[512], *page = NULL;
    snprintf(query, sizeof query, "{\"filter\":\"%s\",\"count\":2}",
             "userName sw \\\"c-\\\" and emails[type eq \\\"work\\\"]");
    check(scim_client_list(client, "/Users", query, &page, &err), err, "list");
    printf("filter %s: first page %.60s...\n", canonical, page);
    scim_string_free(canonical);
    scim_string_free(page);

    /* 6. Every matching user, page by page (two per request), checked locally too. */
    scim_page_iter *iter = NULL;
    check(scim_client_iter(client, "/Users", query, &iter, &err), err, "iter");
    char *user = NULL;
    int seen = 0;
    scim_code code;
    while ((code = scim_page_iter_next(iter, &user, &err)) == SCIM_OK) {
        bool matched = false;
        check(scim_filter_matches(filter, user, &matched, &err), err, "scim_filter_matches");
        seen += matched;
        scim_string_free(user);
    }
    if (code != SCIM_DONE) check(code, err, "scim_page_iter_next");
    scim_page_iter_free(iter);
    scim_filter_free(filter);
    printf("iterated %d matching users\n", seen);

    /* 7. Clean up in one bulk request (one request per operation if unsupported). */
    char bulk[2048];
    int n = snprintf(bulk, sizeof bulk,
                     "[{\"method\":\"DELETE\",\"path\":\"/Groups/%s\"}", group_id);
    for (int i = 0; i < USERS; i++) {
        n += snprintf(bulk + n, sizeof bulk - (size_t)n,
                      ",{\"method\":\"DELETE\",\"path\":\"/Users/%s\"}", ids[i]);
    }
    snprintf(bulk + n, sizeof bulk - (size_t)n, "]");
    char *results = NULL;
    check(scim_client_bulk(client, bulk, &results, &err), err, "bulk");
    int failed = strstr(results, "\"outcome\":\"failed\"") != NULL;
    printf("bulk delete: %s\n", failed ? results : "every operation succeeded");
    scim_string_free(results);
    scim_client_free(client);
    return failed || seen != USERS ? 1 : 0;
}
