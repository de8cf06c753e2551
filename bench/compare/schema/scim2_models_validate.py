"""Times scim2-models validating the RFC 7643 §8.3 enterprise user, as
bench/compare/schema/run prints it: one JSON line of medians in microseconds."""

import json
import statistics
import sys
import time

from scim2_models import Context, EnterpriseUser, User

FIXTURE = sys.argv[1]
with open(FIXTURE) as f:
    USER = json.load(f)
RETURNED = {k: v for k, v in USER.items() if k != "password"}
MODEL = User[EnterpriseUser]


def median_us(payload, ctx, rounds=15, per_round=400):
    MODEL.model_validate(payload, scim_ctx=ctx)  # warm-up, and proof that it validates
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            MODEL.model_validate(payload, scim_ctx=ctx)
        samples.append((time.perf_counter() - start) / per_round * 1e6)
    return statistics.median(samples)


print(json.dumps({
    "create": median_us(USER, Context.RESOURCE_CREATION_REQUEST),
    "response": median_us(RETURNED, Context.RESOURCE_CREATION_RESPONSE),
}))
