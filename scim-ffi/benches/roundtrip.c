/*
 * The cost of one scim_filter_parse + scim_filter_matches round trip, from C.
 * Prints the median over 15 batches of ns per round trip (and of matches alone).
 * Built and run by run.sh against the release libscim.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "scim.h"

#define BATCHES 15
#define ROUNDS 20000

static const char *FILTER =
    "userName eq \"bjensen\" and emails[type eq \"work\" and value co \"@example.com\"]";
static const char *USER =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"2819c223\","
    "\"userName\":\"bjensen\",\"name\":{\"familyName\":\"Jensen\",\"givenName\":\"Barbara\"},"
    "\"active\":true,\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\","
    "\"primary\":true},{\"value\":\"babs@jensen.org\",\"type\":\"home\"}]}";

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v) {
    qsort(v, BATCHES, sizeof *v, cmp);
    return v[BATCHES / 2];
}

int main(void) {
    double roundtrip[BATCHES], matches[BATCHES];
    scim_filter *shared = NULL;
    if (scim_filter_parse(FILTER, NULL, &shared, NULL) != SCIM_OK) return 1;
    for (int b = 0; b < BATCHES; b++) {
        double t0 = now_ns();
        for (int i = 0; i < ROUNDS; i++) {
            scim_filter *f = NULL;
            bool m = false;
            if (scim_filter_parse(FILTER, NULL, &f, NULL) != SCIM_OK ||
                scim_filter_matches(f, USER, &m, NULL) != SCIM_OK || !m) {
                return 1;
            }
            scim_filter_free(f);
        }
        double t1 = now_ns();
        for (int i = 0; i < ROUNDS; i++) {
            bool m = false;
            if (scim_filter_matches(shared, USER, &m, NULL) != SCIM_OK || !m) return 1;
        }
        double t2 = now_ns();
        roundtrip[b] = (t1 - t0) / ROUNDS;
        matches[b] = (t2 - t1) / ROUNDS;
    }
    scim_filter_free(shared);
    printf("c\tparse+matches\t%.0f\n", median(roundtrip));
    printf("c\tmatches\t%.0f\n", median(matches));
    return 0;
}
