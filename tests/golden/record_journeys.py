"""Record the Journeys funnel of the demo (seed 0, events by ``sample_data.demo_events``, segments
= the planted customer types) as computed by the code of a given checkout, for
tests/test_journeys.py's old-vs-new comparison.

Recorded from commit 07b31bf (the per-visitor counts brought back to pandas and summed there):
    cd <checkout of 07b31bf> && .venv/bin/python tests/golden/record_journeys.py tests/golden/journeys_funnel.json
"""
import json
import sys

sys.path.insert(0, ".")
from promo_core import journeys, sample_data  # noqa: E402

demo = sample_data.generate(0)
funnel = journeys.funnel(journeys.events_table(demo.events), demo.truth.customer_type)
keys = ["sessions", "viewed", "carted", "purchased", "viewed_purchased", "carted_purchased", "conversion",
        "browse_to_buy", "cart_abandonment", "browse_to_buy_low", "cart_abandonment_high"]
record = {"events": len(demo.events), "stages": funnel.stages["sessions"].tolist(),
          "by": {dim: table.set_index(dim)[keys].to_dict("index") for dim, table in funnel.by.items()}}
with open(sys.argv[1], "w") as fh:
    json.dump(record, fh, indent=1, sort_keys=True)
