"""English: every id of the catalogue (the fallback of every other language)."""

NAME = "English"

MESSAGES = {
    # --- building blocks -------------------------------------------------------------------
    "error.text": "{en}",
    "error.unexpected": "Sorry, something went wrong while computing this (incident {incident}). Try other settings "
                        "or another file; if it keeps happening, give the incident reference to whoever runs "
                        "PromoLens for you.",
    "join.list": ", ",
    "join.and": " and ",
    "join.sentences": " ",
    "value.none": "–",

    # --- dates ---------------------------------------------------------------------------------
    "date_name.as_of": "as-of date",
    "date_name.first_order": "first order date",
    "date_name.last_order": "last order date",
    "date_name.calibration_end": "calibration end",
    "date_name.end": "end date",
    "dates.not_a_date": "The {what} '{value}' is not a date. Give a date such as 2025-06-30.",
    "dates.day_outside": "The {what} {day} lies outside {first_year}–{last_year}. Give a date such as 2025-06-30.",
    "dates.lines_outside.one": "{lines:,} sales line has an order date outside {first_year}–{last_year} ({examples}). "
                               "Such dates are placeholders (9999-12-31 often stands for “no date”), not sales, and "
                               "would distort every figure over time. Correct or remove those lines and run the "
                               "analysis again.",
    "dates.lines_outside.many": "{lines:,} sales lines have order dates outside {first_year}–{last_year} ({examples}). "
                                "Such dates are placeholders (9999-12-31 often stands for “no date”), not sales, and "
                                "would distort every figure over time. Correct or remove those lines and run the "
                                "analysis again.",

    # --- segments: errors ------------------------------------------------------------------------
    "segments.error.empty_sales": "The sales table is empty: there is nobody to segment. Upload a file with orders.",
    "segments.error.no_customer_ids": "No line has a customer ID, so customers cannot be told apart. On the Data "
                                      "page, map the column that holds the customer / member number (every order is "
                                      "a guest order now).",
    "segments.error.no_purchase_by": "No customer bought anything on or before {as_of:date}. Pick a later as-of date "
                                     "(the data ends on {last_day:date}).",
    "segments.error.too_many_clusters": "Cannot make {clusters} clusters from {customers} customers. Choose between 1 "
                                        "and {customers}.",
    "segments.error.too_few_to_cluster": "Only {customers} customer(s) bought in this period: too few to find groups. "
                                         "Pick a longer period or a dataset with more customers.",
    "segments.error.gap_too_small": "The gap between the two dates must be at least one day.",
    "segments.error.gap_before_data": "The data starts on {first_day:date}, so there are no segments {days} days "
                                      "before {end_day:date}. Choose a shorter gap (at most {longest} day(s)).",
    "segments.error.no_channel": "The data has no channel column, so online and in-store customers cannot be told "
                                 "apart. On the Data page, map the column that says where each order was placed "
                                 "(e.g. 'online', 'store').",
    "segments.error.playbook_columns": "The playbook lacks the column(s) {missing}. It needs {needed}.",
    "segments.error.playbook_unknown": "The playbook names unknown segment(s): {unknown}. Use the eleven RFM segment "
                                       "names: {known}.",
    "segments.error.playbook_duplicates": "The playbook lists {segments} more than once; keep one row per segment.",

    # --- lifetime value: errors ------------------------------------------------------------------
    "clv.error.time_unit": "Unknown time unit '{unit}'. Use 'D' (days) or 'W' (weeks).",
    "clv.error.no_customer_ids": "No line has a customer ID, so lifetime value cannot be computed. On the Data page, "
                                 "map the column that holds the customer / member number.",
    "clv.error.no_purchase_by": "No customer bought anything on or before {end:date}. Pick a later date (the data "
                                "ends on {last_day:date}).",
    "clv.error.summary_column": "The customer summary lacks the column {column}; make it with customer_summary().",
    "clv.error.impossible_rows": "The customer summary has {rows} impossible row(s) (e.g. row {row}: frequency "
                                 "{frequency}, recency {recency}, T {T}): recency must lie between 0 and T, and be 0 "
                                 "without repeat purchases.",
    "clv.error.too_few_repeaters": "Lifetime value needs customers who came back: {customers} customer(s), "
                                   "{repeaters} with a repeat purchase. Use a longer period or a dataset with more "
                                   "customers.",
    "clv.error.no_prices": "Spend per purchase is unknown (the data has no prices), so lifetime value in money cannot "
                           "be computed. Map a price column on the Data page.",
    "clv.error.too_few_spenders": "Only {customers} customer(s) made repeat purchases with a positive value: too few "
                                  "to learn how much customers spend. Use a longer period.",
    "clv.error.margin": "The margin must be between 0% and 100%; got {margin:.0%}.",
    "clv.error.discount_rate": "The annual discount rate must be between 0% and 100%; got {rate:.0%}.",
    "clv.error.horizon": "The horizon must be at least one month.",
    "clv.error.holdout_history": "The data covers only {days} day(s) up to {end:date}: too short to check the model "
                                 "on held-out weeks (it needs at least three weeks). Pick a later date or load more "
                                 "history.",
    "clv.error.holdout_length": "The data covers {days} days; a {holdout_days}-day holdout leaves fewer than "
                                "{needed} days before it to learn from. Choose a holdout of 7 to {longest} days.",
    "clv.error.short_history": "Lifetime value needs at least {needed} days of purchases to learn how often customers "
                               "come back; the data has {days:.0f} day(s) up to this date. Pick a later as-of date or "
                               "load more history.",

    # --- segments: terms -------------------------------------------------------------------------
    "segment.Champions": "Champions",
    "segment.Loyal Customers": "Loyal Customers",
    "segment.Potential Loyalists": "Potential Loyalists",
    "segment.New Customers": "New Customers",
    "segment.Promising": "Promising",
    "segment.Need Attention": "Need Attention",
    "segment.About to Sleep": "About to Sleep",
    "segment.At Risk": "At Risk",
    "segment.Can't Lose Them": "Can't Lose Them",
    "segment.Hibernating": "Hibernating",
    "segment.Lost": "Lost",
    "segment.Not yet a customer": "Not yet a customer",
    "segment_about.Champions": "Bought recently, buy often and spend the most.",
    "segment_about.Loyal Customers": "Buy often and spend well; respond to loyalty offers.",
    "segment_about.Potential Loyalists": "Recent customers with a few orders: nurture them into regulars.",
    "segment_about.New Customers": "Bought for the first time very recently.",
    "segment_about.Promising": "Recent one-off shoppers who have not spent much yet.",
    "segment_about.Need Attention": "Average recency, frequency and spend; slipping without a nudge.",
    "segment_about.About to Sleep": "Below-average recency and a small history; will drift off soon.",
    "segment_about.At Risk": "Used to buy often and spend well, but not for a while.",
    "segment_about.Can't Lose Them": "Were among the best customers, but have not come back for long.",
    "segment_about.Hibernating": "Low spend and few orders, long ago.",
    "segment_about.Lost": "Lowest recency, frequency and spend.",
    "channel_type.online only": "Online only",
    "channel_type.offline only": "Offline only",
    "channel_type.both": "Both",

    # --- behavioural clusters: names, descriptions, rules ----------------------------------------
    "trait.recency_days.high": "Lapsed",
    "trait.recency_days.low": "Recently active",
    "trait.frequency.high": "Frequent",
    "trait.frequency.low": "Occasional",
    "trait.monetary.high": "Big spenders",
    "trait.monetary.low": "Low spenders",
    "trait.discount_share.high": "Deal seekers",
    "trait.channel": "{name} shoppers",
    "trait.category": "{name} fans",
    "trait.typical": "Typical customers",
    "cluster.name.one": "{first:cap}",
    "cluster.name.two": "{first:cap}, {second:lower}",
    "cluster.about": "{parts:sentences}",
    "cluster.about.size": "{customers:num0} customers ({share:pct0}).",
    "cluster.about.typical": "The typical one last bought {recency:.0f} days ago (all customers: {all_recency:.0f}), "
                             "placed {orders:.0f} orders ({all_orders:.0f}) and spent {spend:money0} "
                             "({all_spend:money0}).",
    "cluster.about.channel": "{share:pct0} of their orders are {channel} (all: {all_share:pct0}).",
    "cluster.about.discount": "{share:pct0} of orders use a discount or coupon (all: {all_share:pct0}).",
    "cluster.about.category": "Favourite category: {category} ({share:pct0} of spend, all: {all_share:pct0}).",
    "rule.all": "{conditions:and}",
    "rule.everyone": "everyone",
    "rule.recency_days.between": "last bought {lo:.0f}–{hi:.0f} days ago",
    "rule.recency_days.at_most": "last bought at most {hi:.0f} days ago",
    "rule.recency_days.above": "last bought more than {lo:.0f} days ago",
    "rule.frequency.between": "{lo}–{hi} orders",
    "rule.frequency.at_most": "at most {hi} orders",
    "rule.frequency.above": "at least {lo} orders",
    "rule.monetary.between": "spent {lo:money0}–{hi:money0}",
    "rule.monetary.at_most": "spent at most {hi:money0}",
    "rule.monetary.above": "spent more than {lo:money0}",
    "rule.share.between": "{lo:pct0}–{hi:pct0} {what}",
    "rule.share.at_most": "at most {hi:pct0} {what}",
    "rule.share.above": "more than {lo:pct0} {what}",
    "rule.what.discount_share": "of orders with a discount",
    "rule.what.channel": "of orders {name}",
    "rule.what.category": "of spend on {name}",

    # --- the default playbook ------------------------------------------------------------------
    "playbook.action.Champions": "Reward them: early access, VIP perks, ask for reviews and referrals. No discount "
                                 "needed.",
    "playbook.action.Loyal Customers": "Upsell higher-value products and invite them to the loyalty programme.",
    "playbook.action.Potential Loyalists": "Build the habit: membership offer and recommendations based on what they "
                                           "bought.",
    "playbook.action.New Customers": "Welcome series and a second-order incentive.",
    "playbook.action.Promising": "Make them aware of the range: free samples or a small second-order incentive.",
    "playbook.action.Need Attention": "Limited-time offer on products like the ones they bought.",
    "playbook.action.About to Sleep": "Remind them with bestsellers and a renewed discount.",
    "playbook.action.At Risk": "Win-back coupon with a personal e-mail about what is new.",
    "playbook.action.Can't Lose Them": "Win them back personally: the best win-back offer, a call or e-mail, ask what "
                                       "went wrong.",
    "playbook.action.Hibernating": "Low-cost reactivation: relevant products and a special discount.",
    "playbook.action.Lost": "Try one low-cost campaign; otherwise do not spend on them.",
    "playbook.offer.Champions": "VIP perk",
    "playbook.offer.Loyal Customers": "Loyalty points",
    "playbook.offer.Potential Loyalists": "Membership bonus",
    "playbook.offer.New Customers": "Second-order coupon",
    "playbook.offer.Promising": "Small coupon",
    "playbook.offer.Need Attention": "Limited-time offer",
    "playbook.offer.About to Sleep": "Reminder discount",
    "playbook.offer.At Risk": "Win-back coupon",
    "playbook.offer.Can't Lose Them": "Best win-back offer",
    "playbook.offer.Hibernating": "Reactivation discount",
    "playbook.offer.Lost": "None",

    # --- running an analysis (ui) ------------------------------------------------------------------
    "analysis.running": "Working on it…",
    "period.error.empty": "The sales table is empty. Upload a file with orders.",

    # --- the Segments page -------------------------------------------------------------------------
    "segments.title": "Segments",
    "segments.lead": "Who your customers are, which groups carry the revenue, who is slipping away, what each "
                     "customer is worth, and a list to act on for every group.",
    "segments.step.scoring": "Scoring customers…",
    "segments.step.value": "Estimating lifetime value…",
    "segments.step.clusters": "Finding behavioural clusters…",
    "segments.step.holdout": "Checking the model on a holdout period…",
    "segments.step.migration": "Comparing segments at two dates…",
    "segments.step.channels": "Sorting customers into online and offline…",
    "segments.settings": "Segments settings",
    "segments.as_of": "As of",
    "segments.as_of.help": "The day the analysis looks back from: recency counts days to this date, later sales are "
                           "ignored. Default: the last day in the data.",
    "segments.horizon": "CLV horizon (months)",
    "segments.horizon.help": "How far ahead lifetime value looks, in calendar months.",
    "segments.margin": "Profit margin (%)",
    "segments.margin.help": "Share of revenue you keep as profit; lifetime value is profit, not revenue.",
    "segments.rate": "Annual discount rate (%)",
    "segments.rate.help": "Money next year is worth less than money today: future profit is discounted at this "
                          "yearly rate (month by month).",
    "segments.clusters": "Number of clusters",
    "segments.clusters.auto": "Automatic",
    "segments.clusters.help": "Automatic picks the number after which one more cluster stops explaining much more "
                              "(the elbow). Override it to merge or split groups.",
    "segments.gap": "Migration: days between the two dates",
    "segments.gap.help": "Segments are compared at the as-of date and this many days earlier.",
    "segments.holdout": "Model check: holdout days",
    "segments.holdout.help": "The model learns from everything before the last this-many days and predicts them; you "
                             "see whether it beats a naive rule.",
    "segments.metric.customers": "Customers",
    "segments.metric.customers.help": "Customers with at least one purchase up to the as-of date. Guest orders (no "
                                      "customer id) are left out.",
    "segments.metric.top_revenue": "Revenue, top segments",
    "segments.metric.top_revenue.help": "Share of revenue (net of returns) from the two best segments, Champions and "
                                        "Loyal Customers, who are {customer_share:pct0} of customers.",
    "segments.metric.top_customers": "Customers, top segments",
    "segments.metric.top_customers.help": "Share of customers in the two best segments, Champions and Loyal "
                                          "Customers (the data has no prices).",
    "segments.metric.active": "Probably still active",
    "segments.metric.active.help": "Share of customers whose chance of still buying from you (P(alive), BG/NBD "
                                   "model) is at least 50%.",
    "segments.metric.clv": "{horizon}-month CLV",
    "segments.metric.clv.help": "Expected profit from today's customers over the next {horizon} months, the sum of "
                                "their lifetime values (CLV): expected purchases × expected spend × {margin:.0%} "
                                "margin, discounted at {rate:.0%} a year.",
    "segments.metric.at_risk": "Value at risk",
    "segments.metric.at_risk.help": "Lifetime value of customers whose P(alive) fell by 10 points or more in the last "
                                    "90 days without a purchase: win them back first.",
    "segments.note.guest_lines": "{lines:,} guest lines (no customer id) are left out of customer analytics.",
    "segments.note.guest_lines_revenue": "{lines:,} guest lines (no customer id, {share:pct1} of revenue) are left "
                                         "out of customer analytics.",
    "segments.note.returns_only": "{customers:,} customers have only returns in the data and are not scored.",
    "segments.note.returns": "Returns reduce a customer's money spent; an order made only of returns is not a "
                             "purchase.",
    "segments.note.no_prices": "The data has no prices: segments use recency and frequency only, and lifetime value "
                               "is in purchases, not money.",
    "segments.tab.rfm": "RFM segments",
    "segments.tab.clusters": "Behavioural clusters",
    "segments.tab.value": "Lifetime value",
    "segments.tab.migration": "Migration",
    "segments.tab.channels": "Online & offline",
    "segments.tab.playbook": "Playbook & export",
    "segments.rfm.heading": "Eleven segments from recency, frequency and money",
    "segments.rfm.tile_size": "Tile size",
    "segments.rfm.tile_size.help": "Size the tiles by how many customers or by how much revenue each segment holds.",
    "segments.rfm.how": "How customers are scored and named",
    "segments.rfm.how.text": "Each customer gets three scores from 1 to 5 against the other customers: **R** "
                             "(recency: days since the last purchase, fewer is better), **F** (frequency: number of "
                             "orders) and **M** (money: revenue net of returns). Scores are quintiles: without ties "
                             "each score holds a fifth of the customers; tied customers always share a score, the "
                             "lowest value scores 1 and the highest 5 (a customer's score is 1 + ⌊5·b/(n−e)⌋, b "
                             "customers worse, e tied, n in all). **FM** is the average of F and M, rounded half up. "
                             "The segment comes from R and FM on this grid:",
    "segments.rfm.table": "Every segment: its customers, revenue and typical behaviour.",
    "segments.clusters.heading": "Groups that behave alike",
    "segments.clusters.lead": "K-means on each customer's recency, frequency and spend (log scale) plus the behaviour "
                              "the data records: channel mix, share of orders with a discount and category mix. "
                              "Unlike RFM segments, clusters find groups nobody defined in advance.",
    "segments.clusters.auto_chosen": "chosen automatically at the elbow",
    "segments.clusters.set": "set in the sidebar",
    "segments.clusters.count": "**{clusters} clusters** ({how}).",
    "segments.clusters.map": "Each dot is a customer (a sample of up to 5,000); nearby dots behave alike. The axes are "
                             "the two combinations of the features that spread customers out most (principal "
                             "components).",
    "segments.clusters.rules": "**Rules that pick out each cluster**",
    "segments.clusters.rule": "- **{cluster}. {name}:** {rule} (right for {precision:pct0} of those it picks, catches "
                              "{recall:pct0} of the cluster)",
    "segments.clusters.rules.caption": "From a shallow decision tree on the features in their own units. The rules "
                                       "describe {coverage:pct0} of customers correctly.",
    "segments.clusters.rules.download": "Download the rules (CSV)",
    "segments.clusters.profiles": "Cluster profiles: medians of recency (days), orders and spend; means of the "
                                  "shares.",
    "segments.clusters.why": "Why this many clusters?",
    "segments.clusters.why.caption": "More clusters always leave less spread; the elbow is where one more cluster "
                                     "stops paying (the point farthest below the line joining the ends of the curve). "
                                     "The silhouette (−1 to 1, higher = better separated) is shown for reference: it "
                                     "tends to favour very few coarse groups.",
    "segments.value.heading": "What each customer is worth",
    "segments.value.lead": "BG/NBD predicts how often each customer will buy and whether they are still active "
                           "(P(alive)); Gamma-Gamma predicts how much they spend per purchase. Lifetime value = "
                           "expected profit over the next {horizon} months at a {margin:.0%} margin, discounted at "
                           "{rate:.0%} a year.",
    "segments.value.p_alive": "For a customer who first bought {days:.0f} days ago: the more they bought and the more "
                              "recently, the likelier they are still with you. Red: probably gone.",
    "segments.value.table": "Per segment: mean P(alive), mean and total lifetime value, customers whose P(alive) is "
                            "falling and their lifetime value (value at risk).",
    "segments.value.details": "Model details",
    "segments.value.details.caption": "Maximum-likelihood estimates (time unit: days). References: Fader, Hardie & "
                                      "Lee (2005), Marketing Science 24(2); Fader & Hardie (2013), The Gamma-Gamma "
                                      "Model of Monetary Value.",
    "segments.holdout.heading": "**Does the model earn its keep?**",
    "segments.holdout.actual": "Actual repeat purchases",
    "segments.holdout.actual.help": "Repeat purchase days of the calibration customers in the {days} holdout days "
                                    "({start:date} to {end:date}).",
    "segments.holdout.model": "Model predicted",
    "segments.holdout.model.help": "BG/NBD fitted on the data before {start:date} only. Mean error per customer: "
                                   "{error:.2f} purchases.",
    "segments.holdout.naive": "Naive rule predicted",
    "segments.holdout.naive.help": "Each customer keeps buying at their past rate. Mean error per customer: "
                                   "{error:.2f} purchases.",
    "segments.holdout.vs_actual": "{change:+.0%} vs actual",
    "segments.holdout.verdict": "The model's per-customer error is {model:.2f} purchases against {naive:.2f} for the "
                                "naive rule: {outcome}",
    "segments.holdout.better": "it earns its keep.",
    "segments.holdout.worse": "it does not beat the naive rule on this data; treat its lifetime values with caution.",
    "segments.migration.heading": "How customers moved between segments",
    "segments.migration.up": "Moved up",
    "segments.migration.up.help": "Customers whose R + FM score rose between the two dates.",
    "segments.migration.down": "Moved down",
    "segments.migration.down.help": "Customers whose R + FM score fell.",
    "segments.migration.same": "Unchanged",
    "segments.migration.same.help": "Customers with the same R + FM score.",
    "segments.migration.new": "New customers",
    "segments.migration.new.help": "First purchase between the two dates.",
    "segments.migration.width": "Flow width",
    "segments.migration.width.customers": "Customers",
    "segments.migration.width.revenue_before": "Revenue at stake",
    "segments.migration.width.help": "Revenue at stake: what the customers in a flow spent in the 365 days before the "
                                     "first date.",
    "segments.migration.table": "Each flow: customers, their share of the starting segment, the revenue they brought "
                                "in the year before the first date (what is at stake) and between the dates.",
    "segments.channels.heading": "Online only, offline only or both",
    "segments.channels.none": "This data has no channel column. Map the column that says where each order was placed "
                              "(e.g. 'online', 'store') on the Data page to see the omnichannel view.",
    "segments.channels.share.help": "Share of customers. Channels whose name means web, app, marketplace or 线上 count "
                                    "as online; the others (stores, POS) as offline.",
    "segments.channels.table": "Customers and revenue per segment and channel type.",
    "segments.playbook.heading": "Next best action per segment",
    "segments.playbook.lead": "Edit the actions and offers to match your business; tick the segments that should "
                              "receive coupons. The Coupons page uses this playbook for its target lists.",
    "segments.playbook.reset": "Reset to the default playbook",
    "segments.playbook.key": "Key",
    "segments.playbook.send": "Send coupon",
    "segments.playbook.send.help": "Include this segment in coupon target lists.",
    "segments.playbook.download": "Download the playbook",
    "segments.playbook.targets": "**Coupon target list:** {customers:,} customers in {segments} segments.",
    "segments.playbook.preview": "The first 1,000 rows; the full list is in the CRM export below.",
    "segments.playbook.crm": "**CRM export**",
    "segments.playbook.crm.caption": "One row per customer ({customers:,}): segment, RFM scores, cluster, lifetime "
                                     "value, P(alive), channel type and the playbook's action — ready to import into "
                                     "your CRM or e-mail tool.",
    "segments.playbook.crm.csv": "Download CRM list (CSV)",
    "segments.playbook.crm.excel": "Download CRM workbook (Excel)",
    "segments.saved_name": "Customer segments as of {as_of:date}",
    "segments.figure.treemap": "Segments treemap",
    "segments.figure.heatmap": "RFM heatmap",
    "segments.figure.clusters": "Cluster map",
    "segments.figure.clv": "CLV distribution",
    "segments.figure.p_alive": "P(alive) matrix",
    "segments.figure.at_risk": "Value at risk by segment",
    "segments.figure.holdout": "Holdout check",
    "segments.figure.migration": "Segment migration",
    "segments.figure.channels": "Omnichannel",
    "segments.table.segments": "Segments",
    "segments.table.clusters": "Cluster profiles",
    "segments.table.value": "Value by segment",
    "segments.table.migration": "Segment migration",
    "segments.table.channels": "Channel mix",
    "segments.table.playbook": "Playbook",

    # --- the report's Segments section ---------------------------------------------------------
    "report.segments.name": "Customer segments (RFM)",
    "report.segments.scored": "{customers:,} customers scored on recency (days since the last purchase), frequency "
                              "(orders) and money spent, each from 1 to 5 against the other customers; the scores "
                              "name the segment.",
    "report.segments.top": "{segment}: {customer_share:.0%} of customers bring {revenue_share:.0%} of revenue.",
    "report.segments.value": "Lifetime value: expected margin of each customer over the next {horizon} months "
                             "(BG/NBD and Gamma-Gamma models, {margin:.0%} margin, {rate:.0%} annual discount rate): "
                             "{total:money0} in all.",
    "report.segments.no_value": "Lifetime value not computed: {reason}",

    # --- charts of the Segments page and its report section -------------------------------------
    "chart.segment_treemap.title": "Segments by customers and revenue",
    "chart.segment_treemap.customers": "customers",
    "chart.segment_treemap.revenue": "revenue",
    "chart.segment_share_bars.title": "Customer segments: share of customers and of revenue",
    "chart.segment_share_bars.x": "Share (%)",
    "chart.segment_share_bars.customer_share": "customers",
    "chart.segment_share_bars.revenue_share": "revenue",
    "chart.rfm_heatmap.title": "Customers by R score and FM score",
    "chart.rfm_heatmap.x": "R score (5 = bought most recently)",
    "chart.rfm_heatmap.y": "FM score (5 = buys most often and spends most)",
    "chart.rfm_heatmap.customers": "Customers",
    "chart.rfm_heatmap.r": "R",
    "chart.rfm_heatmap.fm": "FM",
    "chart.cluster_scatter.title": "Customers on the two main directions of behaviour",
    "chart.cluster_scatter.x": "Component 1 ({pc1:pct0} of the variation)",
    "chart.cluster_scatter.y": "Component 2 ({pc2:pct0} of the variation)",
    "chart.cluster_elbow.title": "Spread left within clusters",
    "chart.cluster_elbow.x": "Number of clusters",
    "chart.cluster_elbow.spread": "Spread left (% of total)",
    "chart.cluster_elbow.silhouette": "Silhouette",
    "chart.cluster_elbow.chosen": "chosen",
    "chart.clv_histogram.title": "Lifetime value, next {horizon} months",
    "chart.clv_histogram.x": "Lifetime value per customer ({currency})",
    "chart.clv_histogram.y": "Customers",
    "chart.clv_histogram.mean": "mean",
    "chart.clv_histogram.median": "median",
    "chart.p_alive_heatmap.title": "Chance a customer is still active",
    "chart.p_alive_heatmap.x": "Days from first to last purchase",
    "chart.p_alive_heatmap.y": "Repeat purchases",
    "chart.p_alive_heatmap.p_alive": "P(alive)",
    "chart.segment_value_bars.title": "Lifetime value by segment, and the part at risk",
    "chart.segment_value_bars.x": "Lifetime value ({currency})",
    "chart.segment_value_bars.safe": "customers still active",
    "chart.segment_value_bars.risk": "at risk (P(alive) falling)",
    "chart.holdout_bars.title": "Holdout purchases per customer: actual vs predicted",
    "chart.holdout_bars.x": "Repeat purchases before the holdout",
    "chart.holdout_bars.y": "Purchases per customer in the holdout",
    "chart.holdout_bars.actual": "actual",
    "chart.holdout_bars.model": "BG/NBD model",
    "chart.holdout_bars.naive": "naive rule",
    "chart.migration_sankey.title": "Segments on {start:date} (left) and {end:date} (right)",
    "chart.migration_sankey.customers": "Customers",
    "chart.migration_sankey.revenue_before": "Revenue in the year before",
    "chart.migration_sankey.revenue_between": "Revenue between the dates",
    "chart.omnichannel_bars.title": "Channel mix of each segment",
    "chart.omnichannel_bars.x": "Share of the segment's customers",

    # --- column titles (tables on the pages and in reports) ---------------------------------------
    "column.action": "Action",
    "column.annual_discount_rate": "Annual discount rate",
    "column.antecedents": "Antecedents",
    "column.arm": "Arm",
    "column.as_of": "As of",
    "column.ate": "Ate",
    "column.baskets": "Baskets",
    "column.beats_naive": "Beats naive",
    "column.best": "Best",
    "column.bias": "Bias",
    "column.category": "Category",
    "column.channel": "Channel",
    "column.channel_type": "Channel type",
    "column.cluster": "Cluster",
    "column.clusters": "Clusters",
    "column.clv": "Lifetime value",
    "column.clv_at_risk": "Value at risk",
    "column.confidence": "Confidence",
    "column.consequents": "Consequents",
    "column.control": "Control",
    "column.conviction": "Conviction",
    "column.cost": "Cost",
    "column.cost_per_unit_km": "Cost per unit km",
    "column.coverage": "Coverage",
    "column.customer_id": "Customer ID",
    "column.customer_share": "Share of customers",
    "column.customers": "Customers",
    "column.cut": "Cut",
    "column.description": "Who they are",
    "column.discount_share": "Orders with a discount",
    "column.elasticity": "Elasticity",
    "column.exclude_bought": "Exclude bought",
    "column.f_score": "F score",
    "column.falling_customers": "Customers with P(alive) falling",
    "column.features": "Features",
    "column.frequency": "Orders",
    "column.gain_over_all": "Gain over all",
    "column.hit_rate": "Hit rate",
    "column.holdout_days": "Holdout days",
    "column.horizon_months": "Horizon months",
    "column.horizon_weeks": "Horizon weeks",
    "column.k": "K",
    "column.level": "Level",
    "column.leverage": "Leverage",
    "column.lift": "Lift",
    "column.lift_high": "Lift high",
    "column.lift_low": "Lift low",
    "column.lines": "Lines",
    "column.log_likelihood": "Log-likelihood",
    "column.m_score": "M score",
    "column.map": "Map",
    "column.margin": "Margin",
    "column.mase": "Mase",
    "column.mase_vs_naive": "Mase vs naive",
    "column.max_len": "Max len",
    "column.mean": "Mean",
    "column.mean_clv": "Mean lifetime value",
    "column.mean_frequency": "Mean orders",
    "column.mean_monetary": "Mean spend",
    "column.mean_p_alive": "Mean P(alive)",
    "column.median_recency_days": "Median days since last purchase",
    "column.metric": "Metric",
    "column.migration_days": "Migration days",
    "column.min_confidence": "Min confidence",
    "column.min_support": "Min support",
    "column.model": "Model",
    "column.models": "Models",
    "column.monetary": "Spend",
    "column.n": "N",
    "column.n_forecasts": "N forecasts",
    "column.n_series": "N series",
    "column.name": "Name",
    "column.ndcg": "Ndcg",
    "column.ndcg_lift": "Ndcg lift",
    "column.offer": "Offer",
    "column.orders": "Orders",
    "column.outcome": "Outcome",
    "column.p_alive": "P(alive)",
    "column.p_value": "P value",
    "column.p_value_holm": "P value holm",
    "column.parameters": "Parameters",
    "column.period": "Period",
    "column.periods": "Periods",
    "column.precision": "Precision",
    "column.price": "Price",
    "column.product_id": "Product id",
    "column.product_name": "Product name",
    "column.products": "Products",
    "column.profit": "Profit",
    "column.qini": "Qini",
    "column.qini_high": "Qini high",
    "column.qini_low": "Qini low",
    "column.r_score": "R score",
    "column.reason": "Reason",
    "column.recall": "Recall",
    "column.recency_days": "Days since last purchase",
    "column.rel_lift": "Rel lift",
    "column.reliable": "Reliable",
    "column.revenue": "Revenue",
    "column.revenue_before": "Revenue in the year before",
    "column.revenue_between": "Revenue between the dates",
    "column.revenue_per_customer": "Revenue per customer",
    "column.revenue_share": "Share of revenue",
    "column.rows": "Rows",
    "column.rule": "Rule",
    "column.segment": "Segment",
    "column.segment_end": "To",
    "column.segment_start": "From",
    "column.send_coupon": "Send coupon",
    "column.share": "Share",
    "column.share_of_start": "Share of the starting segment",
    "column.significant": "Significant",
    "column.single_sourcing": "Single sourcing",
    "column.smape": "Smape",
    "column.support": "Support",
    "column.test": "Test",
    "column.total": "Total",
    "column.total_clv": "Total lifetime value",
    "column.units": "Units",
    "column.uplift_at_k": "Uplift at k",
    "column.uplift_models": "Uplift models",
    "column.value": "Value",
    "column.value_at_risk": "Value at risk",
    "column.week": "Week",

    # --- app (navigation, sign-in, sidebar, shared widgets of ui) -----------------------------
    "app.page.data": "Data",
    "app.page.segments": "Segments",
    "app.page.recommendations": "Recommendations",
    "app.page.pricing": "Pricing",
    "app.page.coupons": "Coupons",
    "app.page.logistics": "Logistics",
    "app.page.reports": "Reports",
    "app.dataset": "Dataset",
    "app.dataset.help": "The sales data every page analyses. Upload more on the Data page.",
    "app.currency": "Currency symbol",
    "app.currency.help": "Shown before every amount of money.",
    "app.preparing_demo": "Preparing the demo retailer…",
    "app.sign_in": "Sign in",
    "app.sign_in.please": "Please sign in to use PromoLens.",
    "app.sign_in.not_set_up": "Signing in is not set up correctly on this server. Ask whoever set up PromoLens to check the [auth] section of secrets.toml (the server's log says what is missing).",
    "app.sign_in.password": "Team password",
    "app.sign_in.refused": "Too many wrong passwords from this browser or network. Try again in {wait} seconds.",
    "app.sign_in.wrong": "That password is not right. Ask whoever set up PromoLens for your team. You can try again in {wait} seconds.",
    "app.signed_in_as": "Signed in as {who}",
    "app.sign_out": "Sign out",
    "app.weak_password": "The team password is stored in an old, weak form (as text or an unsalted SHA-256). Whoever set up PromoLens should replace it in secrets.toml with the password_hash line printed by: python -m promo_core hash-password",
    "app.loading_table": "Loading {table}…",
    "app.no_sales": "No sales data yet. Upload a file on the Data page or pick a dataset in the sidebar.",
    "app.download_csv": "Download CSV",
    "app.download_excel": "Download Excel",
    "app.save.heading": "Save this analysis to a report",
    "app.save.name": "Name",
    "app.save.button": "Save analysis",
    "app.save.saved": "Saved “{name}”. Build a report from it on the Reports page.",
    # (end of app)

    # --- data (ingestion, the front door) ------------------------------------------------
    "data.progress.reading": "Reading {file}: {mb:,.0f} of {total_mb:,.0f} MB",
    "data.progress.checking": "Checking every row of {file} (types, plausible values, duplicates)…",
    "data.progress.saving": "Saving to the workspace: {rows:num} of {total:num} rows",
    "data.progress.grouping": "Grouping the lines per customer and order, so that the customer analyses open quickly",
    "data.error.outside_folders": ("{path} is not inside a folder this server shares. Data can be used in place only "
                                   "from the folders the deployment lists (PROMO_DATA_FOLDERS, or folders under "
                                   "[connect] in .streamlit/secrets.toml); ask whoever runs PromoLens, or upload the file."),
    "data.error.no_parquet": "{path} holds no Parquet file (.parquet). Give a Parquet file or a folder of them.",
    "data.error.not_parquet": "{path} is named like a Parquet file but is not one. Export it again.",
    "data.error.bad_parquet": ("{file} could not be read as Parquet: a file is damaged, or the files do not share "
                               "their columns. Export it again."),
    "data.error.in_place_private": ("Personal data protection is compulsory on this server (PROMO_PRIVACY=force), and "
                                    "data used in place cannot be pseudonymised: it is not copied. Upload the file instead."),
    "data.progress.parsing": "Splitting {file} into rows and columns…",
    "data.progress.duplicates": "Looking for lines that repeat another line exactly…",
    "data.progress.checking_read": "Checking every row of {file}: {mb:,.0f} of {total_mb:,.0f} MB read…",
    # the Data page's profile and data quality (promo_core.analyses.data) and the report's business profile
    "data.step.profile": "Profiling the business…",
    "data.error.no_lines": "The data holds no order lines, so there is nothing to profile. Upload a file with orders, "
                           "or check the column mapping (every row may have been quarantined).",
    "data.note.no_prices": "The data has no prices, so revenue cannot be computed; charts show units instead.",
    "data.profile.empty": "The workspace is empty: upload a file above.",
    "data.profile.title": "Profile of “{name}”",
    "data.profile.demo": ("The demo retailer is generated data: an omnichannel shop with 20,000 customers of five "
                          "behaviour types, 500 products in 10 categories with known price elasticities, a "
                          "randomised coupon campaign and a store network. Every analysis can be checked against "
                          "what was planted."),
    "data.metric.revenue": "Revenue",
    "data.metric.revenue.help": "Net sales: quantity × unit price over all lines, returns subtracted.",
    "data.metric.orders": "Orders",
    "data.metric.orders.help": "Distinct orders (baskets).",
    "data.metric.customers": "Customers",
    "data.metric.customers.help": "Distinct customer ids; guest orders are not counted here.",
    "data.metric.products": "Products",
    "data.metric.products.help": "Distinct product codes sold.",
    "data.metric.aov": "Average order value",
    "data.metric.aov.help": "Sales revenue per order, before returns.",
    "data.profile.caption": ("{lines:,} lines from {first:%d %b %Y} to {last:%d %b %Y}. Returns: {returns:.1%} of "
                             "lines ({returned:.1%} of sales revenue). Guest lines: {guests:.1%}."),
    "data.chart.revenue": "Revenue ({currency})",
    "data.chart.units": "Units",
    "data.chart.week": "Week starting",
    "data.chart.weekly": "Sales per week",
    "data.chart.top_products": "Top products",
    "data.chart.top_categories": "Top categories",
    "data.chart.channels": "Orders by channel",
    "data.profile.no_category": "No category column: map one to see sales by category.",
    "data.profile.tables": "Tables behind the charts",
    "data.profile.quality": "Data quality of this dataset",
    "data.profile.save_name": "Business profile — {name}",
    "data.quality.title": "Data quality",
    "data.quality.returns": "Return lines",
    "data.quality.returns.help": ("Negative quantities and cancelled invoices (C-prefixed in UCI exports). Kept and "
                                  "flagged: net revenue subtracts them."),
    "data.quality.duplicates": "Exact duplicate lines",
    "data.quality.duplicates.help": ("Lines identical in every column to an earlier line. Kept (they can be real "
                                     "repeat scans) and flagged in the is_duplicate column."),
    "data.quality.zero_price": "Zero-price lines",
    "data.quality.zero_price.help": "Lines sold at a price of 0 (free items, samples, adjustments).",
    "data.quality.quarantined": "Quarantined",
    "data.quality.quarantined.help": "Rows not loaded, with the reason for each.",
    "data.quality.price_missing": ("This file has no price column, so revenue, spend, CLV and pricing cannot be "
                                   "computed. We did not invent prices: map a price column above if the file has one "
                                   "under another name."),
    "data.quality.rows_caption": ("Quarantined rows with their original values and the reason (first {shown:,} shown; "
                                  "the download has all)."),
    "data.quality.none": "No rows were rejected.",
    "data.report.name": "Business profile — {source}",
    "data.report.lines": "{lines:,} order lines, {period}.",
    "data.report.read": "{rows_in:,} rows read from {source}: {loaded:,} loaded, {quarantined:,} quarantined.",
    "data.report.read_reasons": ("{rows_in:,} rows read from {source}: {loaded:,} loaded, {quarantined:,} quarantined "
                                 "(the reasons are in the last table)."),
    "data.report.metric.revenue": "Revenue (net of returns)",
    "data.report.metric.orders": "Orders",
    "data.report.metric.customers": "Customers",
    "data.report.metric.products": "Products",
    "data.report.metric.aov": "Average order value",
    "data.report.metric.lines": "Order lines",
    "data.report.metric.returns": "Returns (share of lines)",
    "data.report.metric.guests": "Guest lines (no customer id)",
    "data.report.headline": "Headline numbers",
    "data.report.weekly": "Weekly sales",
    "data.report.channels": "Channels",
    "data.report.reasons": "Quarantined rows by reason",
    "data.report.param.data": "data",
    "data.report.param.period": "period",
    # the Data page's upload, in-place, mapping and manage sections
    "data.upload.title": "Upload sales data",
    "data.upload.lead": ("CSV (any delimiter and encoding, including Chinese GBK), Excel .xlsx or Parquet. One row per "
                         "order line. Nothing is dropped silently: every row is either loaded or listed below with the "
                         "reason."),
    "data.upload.file": "Sales file",
    "data.upload.file.help": ("Exports from Shopify, WooCommerce, Olist or the UCI Online Retail format are recognised "
                              "automatically; you can correct the mapping afterwards."),
    "data.upload.protect": "Protect personal data",
    "data.upload.protect.help": ("Replaces customer ids by pseudonyms (a keyed hash: the same customer gets the same "
                                 "pseudonym in every upload), replaces e-mail addresses, phone numbers and street "
                                 "addresses found in any other column, and keeps columns that fill no role out, so "
                                 "personal data never reaches the workspace."),
    "data.upload.reading": "Reading {file} ({size})…",
    "data.upload.unreadable": "{file} could not be read",
    "data.upload.read": "Read {rows:,} rows from {file}",
    "data.upload.preview": "Preview of the loaded data (first 200 rows)",
    "data.upload.name": "Dataset name",
    "data.upload.name.help": "How this dataset appears in the sidebar picker.",
    "data.upload.save": "Save to workspace",
    "data.in_place.title": "Or use Parquet data on the server in place (no copy)",
    "data.in_place.folders": ("A Parquet file or a folder of them, inside a folder this server shares: {folders}. The "
                              "data stays where it is: PromoLens checks every row once (the rejected ones are listed "
                              "with their reason) and reads the file each time an analysis runs."),
    "data.in_place.path": "Path on the server",
    "data.in_place.private": ("Personal data protection is on, and data used in place cannot be pseudonymised (it is "
                              "not copied). Upload the file instead, or turn protection off if the data holds no "
                              "personal data."),
    "data.in_place.go": "Use in place",
    "data.in_place.checking": "Checking the data…",
    "data.mapping.lead": "**Column mapping** — which column of your file fills each role. Correct any that are wrong.",
    "data.mapping.not_in_file": "— not in file —",
    "data.mapping.apply": "Apply mapping",
    "data.load.rows_in": "Rows in file",
    "data.load.rows_in.help": "Data rows after the header.",
    "data.load.loaded": "Rows loaded",
    "data.load.loaded.help": "Rows that passed every check and are analysed.",
    "data.load.quarantined": "Rows quarantined",
    "data.load.quarantined.help": ("Rows that could not be used; each is listed with its reason below. Loaded + "
                                   "quarantined = rows in file, always."),
    "data.load.guests": "Guest lines",
    "data.load.guests.help": "Lines without a customer id: kept for sales and baskets, left out of customer analyses.",
    "data.load.read_as": "Read as: {facts}",
    "data.manage.title": "Manage datasets",
    "data.manage.dataset": "Dataset",
    "data.manage.new_name": "New name",
    "data.manage.rename": "Rename",
    "data.manage.confirm": "Yes, delete it for good",
    "data.manage.delete": "Delete",
    "data.title": "Data",
    "data.saved": "Saved “{name}” to the workspace; it is now the active dataset.",
    "data.upload.expander": "Upload a new file",
    "data.role.order_id.help": "Order or invoice number; lines with the same number are one basket.",
    "data.role.customer_id.help": "Who bought. Empty means a guest order (kept and counted).",
    "data.role.order_date.help": "When the order was placed (date and time).",
    "data.role.product_id.help": "The product's code (SKU, stock code).",
    "data.role.quantity.help": "Units on the line; negative means a return.",
    "data.role.unit_price.help": "Price paid per unit.",
    # (end of data)

    # --- ingest ----------------------------------------------------------------------------
    # reading files (promo_core.io)
    "ingest.error.limit_bounds": "Limits: {name} must be above 0 and at most 10^15 (got {value}).",
    "ingest.error.limit_dates": "Limits: first_date ({first}) must not come after last_date ({last}).",
    "ingest.error.file_not_found": "File not found: {path}. Check the path and try again.",
    "ingest.error.not_a_source": "Give a file path or an uploaded file.",
    "ingest.error.old_excel": ("{file} is an old-style Excel (.xls) file. Open it in Excel and save it as .xlsx or "
                               "CSV (UTF-8), then upload that."),
    "ingest.error.fake_excel": ("{file} is named like an Excel file but is not one (it may be damaged or renamed). "
                                "Open it in Excel and save it again as .xlsx, or export CSV."),
    "ingest.error.empty_file": "{file} is empty. Export the sales data again and check the file has rows.",
    "ingest.error.binary": ("{file} is not a text table: it contains binary data. Upload a CSV, Excel (.xlsx) "
                            "or Parquet export of your sales."),
    "ingest.error.unreadable_characters": ("{file} does not look like a table of sales (it is mostly unreadable "
                                           "characters). Upload a CSV, Excel (.xlsx) or Parquet export."),
    "ingest.error.parquet_too_big": ("{file} holds {rows:,} rows of {columns} columns: more than one upload may hold "
                                     "({limit:,} values). Export a shorter period or fewer columns."),
    "ingest.error.damaged_parquet": "{file} could not be read as Parquet: it is damaged or was cut short. Export it again.",
    "ingest.error.not_a_table": ("{file} could not be read as a table. Check it is a CSV export with one header row, "
                                 "or save it as .xlsx."),
    "ingest.error.workbook_too_big": ("{file} is too big to read as a workbook: {what} (the limit is {cells:,} cells and "
                                      "{mb:,} MB of XML per part). Save the sheet as CSV (UTF-8) and upload that: CSV "
                                      "files are read in pieces, whatever their size."),
    "ingest.workbook.part_too_big": "one of its parts ({part}) expands to {mb:,.0f} MB of XML",
    "ingest.workbook.sheet_too_big": "one of its sheets spans {cells:,} cells",
    "ingest.error.damaged_workbook": ("{file} could not be opened as an Excel workbook: it is damaged, or not really an "
                                      ".xlsx file. Open it in Excel and save it again as .xlsx, or export CSV."),
    "ingest.error.no_sheet": "{file} has no sheet called {sheet}; its sheets are {sheets:list}.",
    "ingest.error.empty_sheet": "The sheet {sheet} in {file} is empty. Put the sales table on the first sheet.",
    "ingest.error.unknown_roles": "Unknown role(s) {roles} in the mapping. Roles are: {known}.",
    "ingest.error.mapped_column_missing": ("The mapping uses column {column} for {role}, but the file has no such "
                                           "column. Its columns are: {columns}."),
    "ingest.error.column_mapped_twice": ("Column {column} is mapped twice: to {first} and to {second}. Each column can "
                                         "fill one role; change one of them."),
    "ingest.error.header_only": ("{file} has a header row but no data rows. Export the sales again with the rows "
                                 "included."),
    "ingest.error.table_header_only": "{file} has a header row but no data rows. Export it again with the rows included.",
    "ingest.error.bad_extra_columns": ("Extra column(s) {columns} cannot be kept: they are not in the file or clash "
                                       "with a standard column name. The file's columns are: {file_columns}."),
    "ingest.error.too_many_columns": ("{file} has {columns:,} columns; PromoLens reads at most {limit:,}. Export only "
                                      "the columns the analysis needs (for sales: order, customer, date, product, "
                                      "quantity, price …) and upload again."),
    "ingest.error.no_date_column": ("{file} has no column we recognise as the order date. Its columns are: {columns}. "
                                    "Map the date column on the Data page (or pass mapping={{'order_date': 'your "
                                    "column'}})."),
    "ingest.error.no_product_column": ("{file} has no product column (SKU, stock code or product name). Its columns "
                                       "are: {columns}. Map one on the Data page."),
    "ingest.error.implausible": ("Implausible values: {problems:semicolons}. Correct them, or load the table as a file "
                                 "with load_transactions (which quarantines such rows), or pass limits=Limits(...) if "
                                 "the values are real."),
    "ingest.implausible.rows": "{what} in {rows:,} row(s) (positions {positions})",
    "ingest.implausible.quantity": "quantity outside {low} to {high}",
    "ingest.implausible.unit_price": "unit price above {high}",
    "ingest.implausible.order_date": "order date outside {low} to {high}",
    "ingest.implausible.revenue": "infinite revenue",
    "ingest.error.missing_sales_columns": ("The sales table lacks the column(s) {columns:list}. Name the column that holds "
                                           "each (e.g. {first}_col='…' in Python), or map it on the Data page."),
    "ingest.missing.revenue": "revenue (or quantity and unit_price)",
    "ingest.missing.is_return": "is_return (or quantity)",
    "join.semicolons": "; ",
    # the roles a column can fill
    "ingest.role.order_id": "Order / invoice number",
    "ingest.role.customer_id": "Customer ID",
    "ingest.role.order_date": "Order date and time",
    "ingest.role.product_id": "Product ID / SKU",
    "ingest.role.product_name": "Product name",
    "ingest.role.category": "Category",
    "ingest.role.quantity": "Quantity",
    "ingest.role.unit_price": "Unit price",
    "ingest.role.channel": "Channel",
    "ingest.role.store_id": "Store",
    "ingest.role.coupon_code": "Coupon code",
    "ingest.role.discount": "Discount amount",
    # quarantine reasons: ``reason`` holds the code after "ingest.reason."; a ".value" id quotes the value as read
    "ingest.reason.date_unreadable": "order date is not a date we can read",
    "ingest.reason.date_unreadable.value": "order date {value} is not a date we can read",
    "ingest.reason.date_out_of_range": "order date is outside the plausible range ({low} to {high})",
    "ingest.reason.date_out_of_range.value": "order date {value} is outside the plausible range ({low} to {high})",
    "ingest.reason.product_empty": "product is empty",
    "ingest.reason.quantity_not_number": "quantity is not a number",
    "ingest.reason.quantity_not_number.value": "quantity {value} is not a number",
    "ingest.reason.quantity_out_of_range": "quantity is outside the plausible range ({low} to {high})",
    "ingest.reason.quantity_out_of_range.value": "quantity {value} is outside the plausible range ({low} to {high})",
    "ingest.reason.quantity_zero": "quantity is 0",
    "ingest.reason.price_empty": "unit price is empty",
    "ingest.reason.price_not_number": "unit price is not a number",
    "ingest.reason.price_not_number.value": "unit price {value} is not a number",
    "ingest.reason.price_negative": "negative unit price (an adjustment, not a sale)",
    "ingest.reason.price_out_of_range": "unit price is outside the plausible range ({low} to {high})",
    "ingest.reason.price_out_of_range.value": "unit price {value} is outside the plausible range ({low} to {high})",
    "ingest.reason.order_empty": "order number is empty",
    "ingest.reason.discount_not_number": "discount is not a number",
    "ingest.reason.discount_not_number.value": "discount {value} is not a number",
    "ingest.reason.date_empty": "order date is empty",
    "ingest.reason.too_few_values": "too few values on this line for the header's columns",
    "ingest.reason.too_many_values": "more values on this line than the header has columns",
    "ingest.reason.stray_quote": "a quote character in an unquoted value",
    "ingest.reason.unreadable": "unreadable line (details withheld)",
    "ingest.reason.unreadable.value": "unreadable line: {value}",
    "ingest.reason.encoding": "characters that are neither {main} nor {other} text",
    "ingest.value.quoted": "'{value}'",
    "ingest.value.empty": "(empty)",
    "ingest.stored_text": "{text}",
    # load notes
    "ingest.note.decimal_comma": "column '{column}' uses a decimal comma (3,50 = 3.50)",
    "ingest.note.day_first": "column '{column}': dates read day first (DD/MM/YYYY)",
    "ingest.note.day_first_check": ("column '{column}': dates read day first (DD/MM/YYYY); every date in the file also "
                                    "reads month first (no day above 12), so check a few"),
    "ingest.note.month_first": "column '{column}': dates read month first (MM/DD/YYYY)",
    "ingest.note.no_quantity": "no quantity column: each line counts as one unit",
    "ingest.note.no_price": ("no price column: revenue, spend and price analyses need one; prices were not invented. "
                             "Map a price column (or upload a products file with prices on the Pricing page)."),
    "ingest.note.dates_filled": ("{lines:,} lines had no date of their own and took it from another line of the same "
                                 "order (as Shopify exports do)"),
    "ingest.note.no_order_number": "no order number: a basket is one customer on one day",
    "ingest.note.no_order_or_customer": "no order number or customer: a basket is everything bought at the same timestamp",
    "ingest.note.pseudonymised": ("customer ids are pseudonymised with a keyed hash and the quarantine keeps only the "
                                  "columns used for a role"),
    "ingest.note.pseudonymised_dropped": ("customer ids are pseudonymised with a keyed hash and the quarantine keeps "
                                          "only the columns used for a role; personal columns left out: {columns:list}"),
    "ingest.note.replaced": ("e-mail addresses, phone numbers or street addresses were pseudonymised or redacted in "
                             "{roles:list}"),
    "ingest.note.replaced_in.one": "{role} ({lines:,} line)",
    "ingest.note.replaced_in.many": "{role} ({lines:,} lines)",
    "ingest.note.other_encoding.one": ("{lines:,} line is in {other}, not {main}: each line was read in its own "
                                       "encoding (line {shown})"),
    "ingest.note.other_encoding.many": ("{lines:,} lines are in {other}, not {main}: each line was read in its own "
                                        "encoding (line {shown})"),
    "ingest.note.neither_encoding.one": "{lines:,} line is neither {main} nor {other} text: quarantined rather than guessed",
    "ingest.note.neither_encoding.many": ("{lines:,} lines are neither {main} nor {other} text: quarantined rather than "
                                          "guessed"),
    # the workspace (promo_core.store)
    "workspace.error.unopenable": ("The workspace file {path} could not be opened. Check that it is a PromoLens "
                                   "workspace and readable, or set PROMO_WORKSPACE to another file."),
    "workspace.error.busy": ("The workspace {path} is busy: another program has kept it for the last {seconds:g} "
                             "seconds (a report job, or another PromoLens server on the same file). Try again in a "
                             "minute; if it stays busy, stop that program or give this server its own PROMO_WORKSPACE."),
    "workspace.error.no_transactions": "A dataset needs a transactions table.",
    "workspace.error.unknown_dataset": ("Dataset {dataset} is not in the workspace (it may have been deleted). Pick "
                                        "another dataset in the sidebar."),
    "workspace.error.no_table": "Dataset {name} has no {table} table.",
    "workspace.error.empty_name": "A dataset name cannot be empty.",
    "workspace.error.unnamed_analysis": "Give the analysis a name before saving it.",
    "workspace.error.rename_unnamed": "A saved analysis needs a name: type one before renaming.",
    "workspace.error.unknown_analysis": "Saved analysis {analysis} no longer exists.",
    "workspace.error.bad_table_name": "Not a valid dataset table: {dataset} / {table}.",
    # sign-in (promo_core.auth, ui)
    "auth.error.empty_password": "The team password cannot be empty.",
    "auth.error.not_a_section": ("[promolens] in secrets.toml must be a section (a [promolens] line, then "
                                 "password_hash = \"...\")."),
    "auth.error.bad_hash": ("password_hash in secrets.toml is not a PromoLens password hash (scrypt$n$r$p$salt$hash). "
                            "Make one with: python -m promo_core hash-password"),
    "auth.error.bad_sha256": ("password_sha256 in secrets.toml is not a SHA-256 digest (64 hexadecimal digits). "
                              "Better, replace it with password_hash. Make one with: python -m promo_core hash-password"),
    "auth.error.empty_plain": ("password in secrets.toml is empty. Set a password_hash instead. Make one with: "
                               "python -m promo_core hash-password"),
    "auth.error.secrets_unreadable": ("PromoLens cannot read its secrets.toml, so it stays closed. Whoever set it up "
                                      "should check the file (the server's log says where the error is)."),
    # exports (promo_core.export)
    "export.error.too_many_rows": ("The table {name} has {rows:,} rows, more than an Excel sheet holds ({limit:,}). "
                                   "Download it as CSV instead."),
    # the command line (promo_core.cli)
    "cli.error.no_workspace": ("There is no workspace at {path} to look up datasets in. Give a sales file, or point "
                               "--workspace (or PROMO_WORKSPACE) at the workspace file the app uses."),
    "cli.error.no_workspace_not_file": ("{data} is not a file, and there is no workspace at {path} to look up datasets "
                                        "in. Give a sales file, or point --workspace (or PROMO_WORKSPACE) at the "
                                        "workspace file the app uses."),
    "cli.error.file_not_found": "File not found: {data}. Check the path (it is read relative to {cwd}).",
    "cli.error.unknown_data": "{data} is neither a file nor a dataset in the workspace {path}. Datasets there: {known:list}.",
    "cli.error.unknown_data_empty": ("{data} is neither a file nor a dataset in the workspace {path}. Datasets there: "
                                     "none."),
    "cli.error.ambiguous_name": "Several datasets are called {data} (ids {ids:list}). Give the id instead of the name.",
    "cli.error.unprotected": ("{data} was saved without personal data protection, and PROMO_PRIVACY=force allows no "
                              "report on it. Upload the file again on the Data page (protection is on) and report on "
                              "that."),
    "cli.error.bad_map": "--map takes ROLE=COLUMN with a role among {roles:list} (got {item}).",
    "cli.error.bad_out": ("--out must end in .html or .xlsx (got {name}): .html writes the report, .xlsx the Excel "
                          "workbook."),
    "cli.error.no_folder": "The folder {folder} does not exist. Create it or write the report elsewhere.",
    "cli.error.max_rows": "--max-rows must be at least 1.",
    "cli.error.all_quarantined": ("{source} has no usable sales lines (all {rows:,} rows were quarantined). Open it on "
                                  "the Data page to see why."),
    "cli.error.passwords_differ": "The two passwords differ; nothing was printed. Try again.",
    # (end of ingest)

    # --- connect -------------------------------------------------------------------------
    "connect.error.secrets": "PromoLens cannot read {file}, so its connections are unknown. Whoever set up PromoLens "
                             "should check the file (it is TOML).",
    "connect.error.unknown_connection": "There is no connection called '{name}'. Connections set up here: "
                                        "{known:list}.",
    "connect.error.empty_url": "Type where the data is: a Spark master (local[*]), a database URL "
                               "(postgres://host/db) or the path of a Parquet file or folder.",
    "connect.error.password_typed": "A typed address may not carry a password. Ask whoever set up PromoLens to add "
                                    "this database as a named connection (in secrets.toml or an environment "
                                    "variable) and pick it by its name.",
    "connect.error.host_not_listed": "PromoLens may not reach {host} from an address you type. Whoever set up "
                                     "PromoLens can list the host under [connect] hosts in secrets.toml (or in "
                                     "PROMO_CONNECT_HOSTS), or set it up as a named connection.",
    "connect.error.file_host": "A file address names a file on this server only (file:///folder/sales.parquet).",
    "connect.error.scheme": "PromoLens does not open '{scheme}' addresses. It opens a Spark master (local[*], "
                            "spark://host:7077), postgres, mysql, mssql, trino or clickhouse databases, a DuckDB "
                            "file (duckdb:///folder/sales.duckdb) or Parquet files.",
    "connect.error.no_folders": "This server opens no files from a typed path: no data folder is set up. Whoever set "
                                "up PromoLens can list folders under [connect] folders in secrets.toml (or in "
                                "PROMO_DATA_FOLDERS).",
    "connect.error.outside_folders": "That path lies outside the data folders this server opens (links and '..' "
                                     "count where they lead). Use a file or folder inside a data folder.",
    "connect.error.no_files": "No data file was found at {path}. Check the path: a Parquet file, a folder of "
                              "Parquet files, a pattern such as sales/*.parquet, or one DuckDB file.",
    "connect.error.not_parquet": "Only Parquet files (.parquet) and DuckDB files (.duckdb) can be opened from a path. "
                                 "Upload other files on the Data page.",
    "connect.error.table_name": "'{table}' is not a table name. Give the table's name, such as sales or "
                                "shop.sales (letters, digits and underscores).",
    "connect.error.driver": "PromoLens cannot talk to {scheme} databases here: the driver ({module}) is not "
                            "installed. Whoever set up PromoLens can install it (pip install 'ibis-framework[{scheme}]').",
    "connect.error.spark_master": "This server's Spark already runs with the master {running}, and one server "
                                  "runs one Spark. Use that master, or restart PromoLens to use another.",
    "connect.error.no_table": "There is no table '{table}' there. Tables found: {known:list}.",
    "connect.error.unreachable": "PromoLens could not open {source} (incident {incident}). Check the name of the "
                                 "table, that the database or cluster is running, and that this server may reach "
                                 "it; the server's log says more under the incident reference.",
    "connect.error.unmapped": "Map a column to {roles:and} first: every analysis needs them.",
    "connect.error.no_column": "The table has no column {columns:and}. Map the roles again.",
    "connect.error.column_twice": "The column {columns:and} is mapped to more than one role. Map each column once.",
    "connect.error.not_numeric": "The column {column} (mapped to {role}) holds {type}, not numbers. Map a column of "
                                 "numbers, or leave the role empty.",
    "connect.error.not_date": "The column {column} holds {type}, not dates. Map the column with the order dates; "
                              "dates stored as text are read when the data is uploaded on the Data page instead.",
    "connect.title": "Connect to where the data lives",
    "connect.lead": "Analyse a Spark table, a database table or Parquet files where they are, without uploading a "
                    "copy. Nothing is copied into the workspace: each analysis runs in that engine and only its "
                    "results come back.",
    "connect.how": "How to connect",
    "connect.how.named": "A connection set up for this server",
    "connect.how.typed": "An address I type",
    "connect.named": "Connection",
    "connect.named.help": "Connections are set up by whoever runs PromoLens (in secrets.toml or environment "
                          "variables); their passwords stay on the server and are never shown.",
    "connect.named.none": "No connection is set up for this server; type an address instead.",
    "connect.url": "Address",
    "connect.url.help": "local[*] for a Spark table on this machine (or spark://host:7077 for a cluster), "
                        "postgres://user@host/database, duckdb:///folder/sales.duckdb, or the path of a Parquet file, "
                        "folder or pattern. No password here: passwords belong in a named connection.",
    "connect.table": "Table",
    "connect.table.help": "The table with one row per order line (database.table for another database). Not needed "
                          "for Parquet files.",
    "connect.open": "Open",
    "connect.columns": "**Column mapping**: which column of the table fills each role. We guessed from the names; "
                       "correct any that are wrong.",
    "connect.not_in_table": "— not in the table —",
    "connect.check": "Check the data",
    "connect.check.lead": "Counted where the data is (nothing is copied).",
    "connect.metric.lines": "Order lines",
    "connect.metric.lines.help": "Rows of the table: one per order line.",
    "connect.metric.orders": "Orders",
    "connect.metric.orders.help": "Distinct order numbers (baskets).",
    "connect.metric.customers": "Customers",
    "connect.metric.customers.help": "Distinct customer ids; lines without one are guest lines.",
    "connect.metric.products": "Products",
    "connect.metric.products.help": "Distinct product codes.",
    "connect.period": "{lines:num} lines from {first:date} to {last:date}; {returns:num} return lines, {guests:num} "
                      "guest lines (no customer id).",
    "connect.missing": "Lines without a value, per mapped role (these lines are kept; analyses that need the value "
                       "leave them out).",
    "connect.use": "Analyse this source",
    "connect.use.help": "Segments (and every page that runs on connections) will analyse this source until you "
                        "pick a dataset again.",
    "connect.active": "Analysing {source} where it lives. Pages that run on connections use it; pick a dataset "
                      "here to go back to the workspace.",
    "connect.stop": "Use the workspace datasets again",
    "connect.needs_upload": "This page works on datasets in the workspace only for now, and a connection "
                            "({source}) is active. Use the workspace datasets again (Data page or sidebar) to "
                            "open this page, or upload the data on the Data page.",
    "connect.note.no_version": "Results are kept until you open the source again (the engine does not say when the "
                               "table changes).",
    "column.mapped_role": "Role",
    "connect.error.privacy_force": "Personal data protection is compulsory on this server (PROMO_PRIVACY=force), and a "
                                   "table cannot be protected where it lives, so PromoLens does not connect to it. "
                                   "Upload the data on the Data page instead: protection is applied as it loads.",
    "connect.privacy_note": "A connected table is analysed as it is: customer ids are not replaced by pseudonyms "
                            "(uploads can be protected as they load).",
    "connect.error.option": "A typed address may set only {allowed:list} (it sets {options:list}). Ask whoever set up "
                            "PromoLens for a named connection if this database needs other options.",
    # (end of connect)

    # --- pricing -------------------------------------------------------------------------
    # elasticities: reliability
    "pricing.reasons": "{parts:sentences}",
    "pricing.flag.ok": "Enough price variation and periods for a dependable estimate.",
    "pricing.flag.constant_price": "The price never changed, so the data cannot show how demand responds to price. "
                                   "Not estimated: try a small price test.",
    "pricing.flag.few_periods": "Too few periods with sales ({n}, at least {min} needed) to separate price from chance.",
    "pricing.flag.little_variation": "The price changed in only {k} period(s): too little variation to measure its "
                                     "effect on its own; the estimate leans on the category.",
    "pricing.flag.positive": "Demand rose with price ({e:+.2f}). Usually a confound, not a real effect: prices raised "
                             "in peak season, promotions run when demand was weak, stock-outs in cheap weeks, or a "
                             "quality signal. Do not price on it.",
    "pricing.flag.implausible": "Implausibly elastic ({e:+.2f}): a few extreme periods (stock-outs, one-off bulk "
                                "orders, mis-keyed prices) probably drive it. Check the data before using it.",
    "pricing.flag.not_identified": "Price moved only together with the season or the controls, so its effect cannot "
                                   "be separated from theirs. Not estimated.",
    "pricing.flag.uncertain": "Too uncertain: the 90% interval is {w:.1f} wide. More periods or larger price changes "
                              "would narrow it.",
    "pricing.flag.few_products": "Only {g} product(s): the interval is heteroskedasticity-robust but cannot allow for "
                                 "correlation within a product over time, so it may be too narrow.",
    "pricing.flag_name.ok": "Dependable",
    "pricing.flag_name.constant_price": "Price never changed",
    "pricing.flag_name.few_periods": "Too few periods",
    "pricing.flag_name.little_variation": "Too little price variation",
    "pricing.flag_name.positive": "Positive elasticity",
    "pricing.flag_name.implausible": "Implausibly elastic",
    "pricing.flag_name.uncertain": "Too uncertain",
    "pricing.flag_name.not_identified": "Cannot be separated",
    "pricing.flag.quantity_schedule": "The unit price here falls as the quantity per order line rises (a quantity-"
                                      "discount price list: {products} product(s), {share:.0%} of the units). The "
                                      "average price of a period then tells how large that period's orders were, "
                                      "not a price decision (it moves with the units per line, r = {r:+.2f}), so "
                                      "this estimate describes the price list, not how customers respond to price. "
                                      "Do not price on it; upload a price list (product, list price, valid from) "
                                      "to estimate on the list price.",
    "pricing.flag.many_empty": "{share:.0%} of the product-periods had no sale. They count (zero units at the shelf "
                               "price then in force), but nobody paid a price in them, so their price is inferred "
                               "from the periods around them; with this many the estimate rests on those guesses. "
                               "Upload a price list to replace them.",
    "pricing.flag_name.quantity_schedule": "Price follows order size",
    "pricing.warning.data": "Price sensitivity of {category} is not dependable. {reason}",
    "pricing.model.empty": "Of these, {empty:,} had no sale: they count as zero units at the shelf price then in force "
                           "(the last price paid, or the next one when a promotion had just ended), because leaving "
                           "them out would hide the weeks when a high price kept shoppers away.",
    "pricing.model.listed": "{listed:,} product-{period}s are priced from your price list.",
    "pricing.price_list.file": "Price list (optional): product, list price, and the date each price holds from",
    "pricing.price_list.help": "The shelf prices you set. Used for the periods in which a product did not sell, and "
                               "instead of the average price paid where the unit price falls with the order size "
                               "(wholesale quantity discounts). Without it, those prices are inferred from what "
                               "customers paid.",
    "pricing.price_list.read": "Price list: {prices:,} price(s) for {products:,} product(s).",
    "pricing.column.n_empty": "Periods without a sale",
    "pricing.column.empty_share": "Share without a sale",
    "pricing.flag_name.many_empty": "Mostly periods without sales",
    # errors
    "pricing.error.negative_units": "Units must be zero or more and prices positive for the demand model; remove "
                                    "returns and zero prices first.",
    "pricing.error.period": "Period {period!r} is not one we know; choose W (weeks), M (months) or D (days).",
    "pricing.error.missing_columns": "The sales data lacks {columns:list}: price analysis needs product, date, "
                                     "quantity and unit price. Map these columns on the Data page.",
    "pricing.error.controls_absent": "Control column(s) {columns:list} are not in the data. Pick columns the file has.",
    "pricing.error.no_priced_lines": "No sales lines with a positive quantity and price were found, so there is "
                                     "nothing to measure price sensitivity on. Check the unit price column is mapped.",
    "pricing.error.control_not_numeric": "Control column {column!r} holds no numbers. Pick a numeric column such as "
                                         "a competitor's price.",
    "pricing.error.time_effects": "time_effects must be 'auto', 'period' or 'trend'.",
    "pricing.error.level": "level must be 'category' or 'product'.",
    "pricing.error.max_change": "The maximum price change must be between 1% and 100%.",
    "pricing.error.min_margin": "The minimum margin must be at least 0% and below 100%.",
    "pricing.error.endings": "Price endings are the cents part of a price, e.g. 0.99 or 0.49.",
    "pricing.error.products_columns": "The products table needs the columns product_id and unit_cost (cost of one "
                                      "unit). It has: {columns:list}.",
    "pricing.error.margin": "The assumed margin must be between 0% and 100%.",
    "pricing.error.price_list_columns": "A price list needs the columns product_id and list_price (or price), and "
                                        "may have valid_from (the date the price holds from). It has: {columns:list}.",
    "pricing.error.demand_curve": "A demand curve needs a positive current price and an estimated elasticity.",
    "pricing.error.cost_file_columns": "{file} needs a product column (product_id, SKU, 商品编码) and a cost column "
                                       "(unit_cost, cost, 成本). Its columns are: {columns:list}.",
    "pricing.error.cost_file_no_costs": "No usable unit costs in {file}: column {column!r} holds no numbers of 0 or "
                                        "more.",
    "pricing.error.no_tiers": "Give at least one threshold: spend X, save Y.",
    "pricing.error.tier_values": "Each threshold needs a spend above zero and a saving above zero but below the spend "
                                 "(spend 100, save 10).",
    "pricing.error.stretch": "Stretch must be zero or more and take-up between 0% and 100%.",
    "pricing.error.baskets_need": "Threshold offers need order-level sales with {column}; this data lacks it.",
    "pricing.any_item": "any item",
    "pricing.the_store": "the store",
    "pricing.error.no_baskets": "No baskets with {target} in the last {days} days: nothing to simulate a threshold "
                                "offer on.",
    "pricing.error.no_real_baskets": "The data has no real baskets (it holds monthly summaries, or orders of hundreds "
                                     "of lines), so a spend-X-save-Y offer cannot be simulated. Use order-level sales "
                                     "data.",
    "pricing.error.mechanic": "Unknown promotion type {mechanic!r}; choose one of {choices:list}.",
    "pricing.error.scenario_level": "Unknown level {level!r}; choose product, category or store.",
    "pricing.error.no_target": "Scenario {scenario!r}: pick the {level:lower} the promotion applies to.",
    "pricing.error.end_before_start": "Scenario {scenario!r}: the end date is before the start date.",
    "pricing.error.discount": "Scenario {scenario!r}: the discount must be between 1% and 99%.",
    "pricing.error.bogo": "Scenario {scenario!r}: buy and free quantities must be at least 1.",
    "pricing.error.cap": "Scenario {scenario!r}: a flash sale needs a quantity cap above zero.",
    "pricing.error.unknown_target": "Scenario {scenario!r}: {target!r} is not a {level:lower} in this data.",
    "pricing.error.target_not_estimated": "Scenario {scenario!r}: no elasticity could be estimated for {target} (see "
                                          "the Elasticity section for why), so its response to price is unknown.",
    "pricing.error.scenario_count": "Compare one to four scenarios at a time.",
    "pricing.error.scenario_names": "Give each scenario its own name.",
    "pricing.error.tier_text": "Could not read the threshold {part!r}: write spend:save, e.g. 50:5, 100:12.",
    "pricing.error.tier_numbers": "Could not read the threshold {part!r}: both parts must be numbers.",
    "pricing.error.dyn_price": "The current price must be above zero.",
    "pricing.error.dyn_grid": "The price grid needs a width between 1% and 99% and 2 to 25 prices.",
    "pricing.error.dyn_elasticity": "Dynamic pricing needs a negative estimated elasticity; this product's is missing "
                                    "or not negative (see the Elasticity section).",
    "pricing.error.dyn_no_units": "The product sells no units at the current price in the recent periods.",
    "pricing.error.dyn_horizon": "Choose a horizon of 2 to 1,000 periods and 10 to 2,000 runs.",
    "pricing.error.dyn_noise": "Noise must be zero or more and epsilon between 0 and 1.",
    "pricing.error.no_dynamic_product": "No product has a negative elasticity estimate to simulate with.",
    "pricing.error.unknown_product": "{product!r} is not a product with a negative elasticity estimate here: pick one "
                                     "from the list.",
    # recommendations
    "pricing.note.not_estimated": "No elasticity for this product: its price response is unknown.",
    "pricing.note.not_negative": "The elasticity is not negative; no price is recommended on it.",
    "pricing.note.no_cost": "No unit cost: upload costs or set a margin assumption.",
    "pricing.note.infeasible": "No price within ±{max_change:.0%} meets the {min_margin:.0%} minimum margin: the "
                               "cost is too high for the rules.",
    "pricing.note.infeasible_endings": "No price within ±{max_change:.0%} with an allowed ending meets the "
                                       "{min_margin:.0%} minimum margin: the cost is too high for the rules.",
    "pricing.note.endings": "Keep the price: no price with an allowed ending lies inside the allowed band.",
    "pricing.note.keep": "The current price is already the most profitable one the rules allow.",
    "pricing.note.keep_limited": "Keep the price: {limit} rules out a better one.",
    "pricing.note.raise": "Raise to the most profitable price inside the rules.",
    "pricing.note.lower": "Lower to the most profitable price inside the rules.",
    "pricing.note.raise_limited": "Raise; limited by {limit}.",
    "pricing.note.lower_limited": "Lower; limited by {limit}.",
    "pricing.note.shaky": "{note} This product's own elasticity is not dependable (see the Elasticity section): test "
                          "the price on a few stores or weeks before rolling it out.",
    "pricing.limit.max_increase": "the maximum increase",
    "pricing.limit.max_decrease": "the maximum decrease",
    "pricing.limit.min_margin": "the minimum margin",
    # promotions
    "pricing.mechanic.percent_off": "Percent off",
    "pricing.mechanic.threshold": "Spend X, save Y (满减)",
    "pricing.mechanic.bogo": "Buy N, get M free",
    "pricing.mechanic.flash_sale": "Flash sale with a quantity cap",
    "pricing.level.product": "Product",
    "pricing.level.category": "Category",
    "pricing.level.store": "Whole store",
    "pricing.whole.category": "category",
    "pricing.whole.store": "store",
    "pricing.period.W": "week",
    "pricing.period.M": "month",
    "pricing.period.D": "day",
    "pricing.effect.pull_forward": "pull-forward",
    "pricing.effect.cannibalisation": "cannibalisation",
    "pricing.history.too_few": "Only {events} past promotion(s) found (at least {needed} needed): pull-forward and "
                               "cannibalisation are assumed to be zero.",
    "pricing.history.not_separable": "The history cannot separate {effect} from the period effects (for "
                                     "cannibalisation, at least two categories are needed); assumed zero.",
    "pricing.history.measured": "Measured on {events:,} past promotions: {share:.0%} of the extra units (90% interval "
                                "{low:.0%} to {high:.0%}){sample}.",
    "pricing.history.measured_none": "Measured on {events:,} past promotions: {share:.0%} of the extra units (90% "
                                     "interval {low:.0%} to {high:.0%}), not distinguishable from none{sample}.",
    "pricing.history.sample": " (measured on a random sample of {products:,} products in {categories} categories)",
    "pricing.history.all": "",
    "pricing.assume.baseline": "Baseline: the last {recent} {period}s' units per {period} at the current regular "
                               "price, scaled to {days} days ({periods:.1f} {period}s); no seasonality adjustment.",
    "pricing.assume.flash_capped": "Flash sale: {discount:.0%} off until {cap:,.0f} units are sold (the cap is "
                                   "reached after {reached:.0%} of the window); the rest of the window sells at the "
                                   "regular price.",
    "pricing.assume.flash": "Flash sale: {discount:.0%} off until {cap:,.0f} units are sold (demand stays below the "
                            "cap); the rest of the window sells at the regular price.",
    "pricing.assume.bogo": "Buy {buy} get {free} free is priced as {off:.0%} off every unit taken: every buyer takes "
                           "the free units, and demand responds to that effective price with the elasticity.",
    "pricing.assume.elasticity": "Demand responds to price with elasticity {elasticity:.2f} (revenue-weighted over "
                                 "{products} product(s)); constant elasticity is assumed even for deep cuts.",
    "pricing.assume.threshold": "Threshold offer on {baskets:,} real baskets from the last {history_days} days, scaled "
                                "to {days} days: {above:.0%} were already above a threshold (their saving is a "
                                "giveaway), {grew:.0%} were within reach and top up (gap at most {stretch:g}x the "
                                "saving, {take_up:.0%} of them act). Extra spend earns the target's average margin "
                                "({margin:.0%}); the offer brings no new shoppers.",
    "pricing.assume.no_history": "No promotion history used: pull-forward and cannibalisation assumed zero.",
    "pricing.assume.pull_forward": "Pull-forward: {share:.0%} of the extra units are lost after the promotion. {note}",
    "pricing.assume.cannibalisation": "Cannibalisation: {share:.0%} of the extra units are taken from sister products "
                                      "in the category. {note}",
    "pricing.assume.no_cannibalisation": "Cannibalisation within the category does not apply: the whole {level} is on "
                                         "promotion.",
    "pricing.policy.fixed": "Fixed price",
    "pricing.policy.epsilon_greedy": "ε-greedy",
    "pricing.policy.thompson": "Thompson sampling",
    "pricing.step.model": "Fitting the demand model…",
    "pricing.step.prices": "Finding the most profitable prices…",
    "pricing.step.history": "Measuring what past promotions did…",
    "pricing.step.promotions": "Simulating the promotions…",
    "pricing.step.dynamic": "Simulating 200 runs of each pricing policy…",
    "pricing.error.needs_prices": "Dynamic pricing starts from the optimal prices, which could not be computed (see "
                                  "the Optimal prices tab).",
    "pricing.error.no_scenarios": "No promotion scenario was compared.",
    "pricing.error.unknown_scenario": "There is no scenario called {scenario!r} in the comparison.",
    # the page
    "pricing.title": "Pricing",
    "pricing.lead": "How sensitive your categories and products are to price, which prices earn more profit within "
                    "your rules, what a planned promotion really costs and brings, and whether price experiments "
                    "would pay.",
    "pricing.source": "Data for this page",
    "pricing.source.use": "Use",
    "pricing.source.dataset": "The dataset picked in the sidebar",
    "pricing.source.upload": "A pricing-data upload",
    "pricing.source.help": "A pricing-data upload is one row per product and period (or per order line) with units "
                           "and price, and may carry extra columns such as competitor prices to control for.",
    "pricing.upload.lead": "Needed: product, date (or month), units and price; category is used when present. Extra "
                           "numeric columns (e.g. comp_1, comp_2 with competitors' prices) can be kept as controls. "
                           "Monthly summaries such as the Kaggle retail_price.csv work as they are.",
    "pricing.upload.file": "Pricing data file",
    "pricing.upload.role.product_id": "Product",
    "pricing.upload.role.order_date": "Date or month",
    "pricing.upload.role.quantity": "Units",
    "pricing.upload.role.unit_price": "Price per unit",
    "pricing.upload.role.category": "Category",
    "pricing.upload.none": "— none —",
    "pricing.upload.extras": "Extra numeric columns to keep as controls",
    "pricing.upload.extras.help": "Competitor prices and other things that move demand. Their effect is estimated "
                                  "alongside price, so it is not mistaken for a price effect.",
    "pricing.upload.read": "Read {rows:,} rows: {loaded:,} loaded, {set_aside:,} set aside with a reason.",
    "pricing.settings": "Pricing settings",
    "pricing.period": "Period",
    "pricing.period_choice.W": "Weeks",
    "pricing.period_choice.M": "Months",
    "pricing.period.help": "Sales are summed per product and period before the demand model is fitted. Monthly "
                           "summaries need months.",
    "pricing.time_effects": "Season and trend control",
    "pricing.time_effects.auto": "Automatic",
    "pricing.time_effects.period": "One effect per category and period",
    "pricing.time_effects.trend": "Trend + yearly seasonality",
    "pricing.time_effects.help": "Keeps busy seasons from looking like price effects. Automatic uses one effect per "
                                 "category and period when enough products share each period, else a trend with "
                                 "yearly seasonality.",
    "pricing.time_effects.per_period": "One effect per period",
    "pricing.time_effects.trend_season": "Trend + seasonality",
    "pricing.controls": "Controls",
    "pricing.controls.help": "Numeric columns such as competitor prices, used as logs.",
    "pricing.model.fitted": "Demand model fitted on {rows:,} product-{period}s.",
    "pricing.metric.categories": "Dependable categories",
    "pricing.metric.categories.help": "Categories whose estimate is dependable: enough price changes and periods, a "
                                      "negative and plausible elasticity and a reasonably narrow interval.",
    "pricing.metric.products": "Dependable products",
    "pricing.metric.products.help": "Products whose own data gives a dependable estimate. The others lean on their "
                                    "category (partial pooling) or are not estimated; the table says why.",
    "pricing.metric.typical": "Typical category elasticity",
    "pricing.metric.typical.help": "Median over dependable categories. Elasticity = % change in units for a 1% price "
                                   "change.",
    "pricing.metric.typical.none": "No category has a dependable estimate.",
    "pricing.metric.cut": "Units after a 10% price cut",
    "pricing.metric.cut.help": "For the typical category, all else equal.",
    "pricing.tab.elasticity": "Elasticity",
    "pricing.tab.prices": "Optimal prices",
    "pricing.tab.promotions": "Promotion simulator",
    "pricing.tab.dynamic": "Dynamic pricing",
    "pricing.elasticity.lead": "How much units change when the price changes by 1%: −2 means a 10% price cut sells "
                               "about 23% more. Only price changes of the same product count (product fixed "
                               "effects), seasons are controlled for, and every estimate carries its 90% interval.",
    "pricing.elasticity.show": "Show",
    "pricing.elasticity.show.category": "Categories",
    "pricing.elasticity.show.product": "Products",
    "pricing.elasticity.naive": "“Without product effects” is the same model ignoring which product sold: it compares "
                                "cheap and dear products instead of price changes, which is why it can even get the "
                                "sign wrong.",
    "pricing.elasticity.pooling": "Each product's own estimate is pulled toward its category in proportion to how "
                                  "uncertain it is (empirical Bayes); “category weight” says how much. Products whose "
                                  "price never changed are not estimated.",
    "pricing.elasticity.flagged": "Why {products:,} product estimates are not dependable",
    "pricing.chart.elasticity.title": "Price elasticity by category (90% interval)",
    "pricing.chart.elasticity.x": "Elasticity (% change in units per 1% price change)",
    "pricing.chart.reliable": "Dependable",
    "pricing.chart.unreliable": "Not dependable (see reason)",
    "pricing.chart.pooling.title": "Products: own estimate vs partially pooled",
    "pricing.chart.pooling.x": "Own estimate (product's data only)",
    "pricing.chart.pooling.y": "Pooled estimate (used for pricing)",
    "pricing.chart.pooling.reliable": "Dependable own estimate",
    "pricing.chart.pooling.unreliable": "Leans on its category",
    "pricing.chart.pooling.diagonal": "No pooling",
    "pricing.column.category": "Category",
    "pricing.column.elasticity": "Elasticity",
    "pricing.column.ci_low": "90% low",
    "pricing.column.ci_high": "90% high",
    "pricing.column.se": "Std. error",
    "pricing.column.n_periods": "Periods",
    "pricing.column.n_products": "Products",
    "pricing.column.n_price_changes": "Periods with a price change",
    "pricing.column.r2": "R² (deviance)",
    "pricing.column.elasticity_naive": "Without product effects",
    "pricing.column.time_effects": "Season control",
    "pricing.column.controls_used": "Controls used",
    "pricing.column.reliable": "Dependable",
    "pricing.column.reason": "Why",
    "pricing.column.product_id": "Product ID",
    "pricing.column.product_name": "Product",
    "pricing.column.elasticity_raw": "Own estimate",
    "pricing.column.raw_ci_low": "Own 90% low",
    "pricing.column.raw_ci_high": "Own 90% high",
    "pricing.column.category_elasticity": "Category estimate",
    "pricing.column.pooling": "Category weight",
    "pricing.column.last_price": "Last price",
    "pricing.column.current_price": "Current price",
    "pricing.column.unit_cost": "Unit cost",
    "pricing.column.cost_source": "Cost from",
    "pricing.column.recommended_price": "Recommended price",
    "pricing.column.change_pct": "Change",
    "pricing.column.units_current": "Units now",
    "pricing.column.units_new": "Units at new price",
    "pricing.column.units_low": "Units low",
    "pricing.column.units_high": "Units high",
    "pricing.column.revenue_current": "Revenue now",
    "pricing.column.revenue_new": "Revenue at new price",
    "pricing.column.profit_current": "Gross profit now",
    "pricing.column.profit_new": "Gross profit at new price",
    "pricing.column.profit_low": "Profit low",
    "pricing.column.profit_high": "Profit high",
    "pricing.column.profit_change": "Profit change",
    "pricing.column.prob_profit_up": "Chance of more profit",
    "pricing.column.binding": "Limited by",
    "pricing.column.status": "Status",
    "pricing.column.note": "Note",
    "pricing.column.flag": "Problem",
    "pricing.column.products": "Products",
    "pricing.column.example": "Example explanation",
    "pricing.column.measure": "Measure",
    "pricing.column.scenario": "Scenario",
    "pricing.column.assumption": "Assumption",
    "pricing.column.policy.policy": "Policy",
    "pricing.column.policy.total": "Mean total {what}",
    "pricing.column.policy.total_low": "5%",
    "pricing.column.policy.total_high": "95%",
    "pricing.column.policy.regret": "Regret",
    "pricing.column.policy.regret_share": "Regret share",
    "pricing.column.policy.best_price_share": "Last quarter at the best price",
    "pricing.costs.from": "Unit costs from",
    "pricing.costs.from.table": "The dataset's products table",
    "pricing.costs.from.upload": "A products file",
    "pricing.costs.from.margin": "An assumed margin",
    "pricing.costs.margin": "Assumed gross margin where no cost is known",
    "pricing.costs.margin.help": "Cost = current price × (1 − margin) for products without a known unit cost.",
    "pricing.costs.file": "Products file with unit costs (product, unit_cost)",
    "pricing.costs.file.help": "Columns: a product code (product_id, SKU, 商品编码) and the cost of one unit "
                               "(unit_cost, cost, 成本).",
    "pricing.costs.file.wait": "Upload a products file, or use an assumed margin meanwhile.",
    "pricing.costs.file.rejected": "{rows:,} row(s) of the products file were not used (see the table).",
    "pricing.costs.where": "Unit costs, the assumed margin and the price list are set under “Data for this page” "
                           "above.",
    "pricing.cost_source.products table": "Products table",
    "pricing.cost_source.margin assumption": "Margin assumption",
    "pricing.cost_source.unknown": "Unknown",
    "pricing.prices.lead": "For each product, the price that maximises (price − cost) × units on its demand curve, "
                           "within your rules. An uncertain elasticity argues for smaller moves; every projection "
                           "carries a 90% interval.",
    "pricing.rules.max_change": "Largest price change",
    "pricing.rules.max_change.help": "No price moves further than this from today's regular price.",
    "pricing.rules.min_margin": "Minimum gross margin",
    "pricing.rules.min_margin.help": "(price − cost) / price must be at least this.",
    "pricing.rules.endings": "Price endings",
    "pricing.rules.endings.help": "Allowed cents. Leave empty for any price.",
    "pricing.metric.raise": "Prices to raise",
    "pricing.metric.raise.help": "Products whose most profitable allowed price is above today's.",
    "pricing.metric.lower": "Prices to lower",
    "pricing.metric.lower.help": "Products whose most profitable allowed price is below today's.",
    "pricing.metric.profit": "Extra gross profit per {period}",
    "pricing.metric.profit.help": "Expected change in (price − cost) × units per {period} if every recommendation is "
                                  "applied, on the fitted demand curves.",
    "pricing.metric.confident": "Changes with ≥80% chance of more profit",
    "pricing.metric.confident.help": "Share of recommended changes that earn more profit in at least 80% of the "
                                     "simulations over the elasticity's uncertainty.",
    "pricing.prices.not_priced": "{products:,} product(s) get no recommendation. {reasons:list}",
    "pricing.prices.reason_count": "{reason} ({products:,})",
    "pricing.curve.of": "Demand and profit curve of",
    "pricing.curve.of.help": "Sorted by the extra profit the recommendation brings.",
    "pricing.chart.curve.title": "Demand and profit per {period}: {product}",
    "pricing.chart.curve.x": "Price ({currency})",
    "pricing.chart.curve.units": "Units per {period}",
    "pricing.chart.curve.profit": "Gross profit per {period} ({currency})",
    "pricing.chart.curve.units_name": "Units",
    "pricing.chart.curve.profit_name": "Gross profit",
    "pricing.chart.curve.band": "Profit, 90% band",
    "pricing.chart.curve.current": "Current",
    "pricing.chart.curve.recommended": "Recommended",
    "pricing.binding.none": "Nothing",
    "pricing.binding.max_increase": "Maximum increase",
    "pricing.binding.max_decrease": "Maximum decrease",
    "pricing.binding.min_margin": "Minimum margin",
    "pricing.binding.endings": "Price endings",
    "pricing.status.change": "Change",
    "pricing.status.keep": "Keep",
    "pricing.status.not_estimated": "Not estimated",
    "pricing.status.no_cost": "No cost",
    "pricing.status.infeasible": "Rules cannot be met",
    "pricing.prices.caption": "Money and units are per {period} at the recent level of demand; “low/high” are 90% "
                              "intervals.",
    "pricing.promotions.lead": "Compare up to four promotions before running them: extra units, revenue and gross "
                               "margin, what the discount costs, and the lift needed just to break even. "
                               "Spend-X-save-Y offers are played out on your real baskets.",
    "pricing.metric.past": "Past promotions found",
    "pricing.metric.past.help": "Product-periods priced at least 5% below the regular price on both sides.",
    "pricing.metric.pull_forward": "Pull-forward",
    "pricing.metric.cannibalisation": "Cannibalisation",
    "pricing.promotions.effects": "Pull-forward: share of a promotion's extra units lost in the periods after it "
                                  "(shoppers stocked up). Cannibalisation: share taken from sister products in the "
                                  "category. Both are measured from your past promotions and applied below (negative "
                                  "estimates count as zero).",
    "pricing.promotions.count": "Scenarios to compare",
    "pricing.scenario.name": "Name",
    "pricing.scenario.default.percent_off": "20% off",
    "pricing.scenario.default.threshold": "Spend & save",
    "pricing.scenario.default.bogo": "Buy 1 get 1",
    "pricing.scenario.default.flash_sale": "Flash sale",
    "pricing.scenario.default.store_10": "10% off",
    "pricing.scenario.mechanic": "Type",
    "pricing.scenario.level": "Applies to",
    "pricing.scenario.dates": "From – to",
    "pricing.scenario.discount": "Discount",
    "pricing.scenario.cap": "Units available at the sale price",
    "pricing.scenario.cap.help": "The sale stops when these are sold.",
    "pricing.scenario.buy": "Buy",
    "pricing.scenario.free": "Get free",
    "pricing.scenario.tiers": "Spend:save tiers",
    "pricing.scenario.tiers.help": "e.g. 50:5, 100:12 = spend 50 save 5, spend 100 save 12.",
    "pricing.scenario.stretch": "How far shoppers top up (× the saving)",
    "pricing.scenario.stretch.help": "A basket below a threshold grows to it when the gap is at most this many times "
                                     "the saving. 1 = only when the saving pays for the extra items.",
    "pricing.scenario.take_up": "Share of shoppers who act",
    "pricing.scenario.take_up.help": "Not everyone notices the offer or bothers to top up.",
    "pricing.error.dates": "Scenario {scenario}: pick both the first and the last day of the promotion.",
    "pricing.promotions.none_pays": "None of these scenarios pays for itself in gross margin: each gives away more in "
                                    "discounts than its extra sales earn. Shallower discounts, higher thresholds or "
                                    "more price-sensitive targets do better.",
    "pricing.metric.best": "Best scenario for gross margin",
    "pricing.metric.best.help": "Highest incremental gross margin after discount cost, pull-forward and "
                                "cannibalisation.",
    "pricing.metric.best_margin": "Its incremental gross margin",
    "pricing.metric.best_margin.help": "Promotion gross margin minus what the same days would earn without it.",
    "pricing.metric.best_cost": "Its discount cost",
    "pricing.metric.best_cost.help": "Money given away in discounts, including to shoppers who would have bought "
                                     "anyway.",
    "pricing.metric.break_even": "Lift needed to break even vs expected",
    "pricing.metric.break_even.help": "Units (or, for spend-and-save, spend) must grow by the first number for gross "
                                      "margin to stay level; the second is what the model expects.",
    "pricing.never": "never",
    "pricing.chart.scenarios.title": "Promotion scenarios side by side",
    "pricing.chart.scenarios.y": "Over each promotion's days ({currency})",
    "pricing.measure.mechanic": "Type",
    "pricing.measure.level": "Applies to",
    "pricing.measure.target": "Target",
    "pricing.measure.days": "Days",
    "pricing.measure.elasticity": "Elasticity used",
    "pricing.measure.baseline_units": "Units without promotion",
    "pricing.measure.promo_units": "Units with promotion",
    "pricing.measure.incremental_units": "Extra units",
    "pricing.measure.pull_forward_units": "Lost to pull-forward",
    "pricing.measure.cannibalised_units": "Taken from sister products",
    "pricing.measure.net_incremental_units": "Net extra units",
    "pricing.measure.baseline_revenue": "Revenue without",
    "pricing.measure.promo_revenue": "Revenue with",
    "pricing.measure.incremental_revenue": "Incremental revenue",
    "pricing.measure.baseline_margin": "Gross margin without",
    "pricing.measure.promo_margin": "Gross margin with",
    "pricing.measure.incremental_margin": "Incremental gross margin",
    "pricing.measure.discount_cost": "Discount cost",
    "pricing.measure.lift": "Expected lift",
    "pricing.measure.break_even_lift": "Lift needed to break even",
    "pricing.measure.effective_discount": "Effective discount",
    "pricing.measure.baskets": "Baskets in the window",
    "pricing.measure.share_already_above": "Baskets already above a threshold",
    "pricing.measure.share_grew": "Baskets that top up",
    "pricing.measure.giveaway": "Saving given for nothing",
    "pricing.measure.margin_per_discount": "Margin per 1 of discount",
    "pricing.promotions.caption": "One column per scenario; totals over its days. Incremental revenue and margin are "
                                  "net of pull-forward and cannibalisation.",
    "pricing.promotions.assumptions": "Assumptions behind each scenario",
    "pricing.chart.baskets.title": "Basket values and thresholds: {scenario}",
    "pricing.chart.baskets.x": "Eligible spend per basket ({currency})",
    "pricing.chart.baskets.y": "Baskets (last 8 weeks)",
    "pricing.chart.baskets.tier": "spend {{spend:g}} save {{save:g}}",
    "pricing.handoff.heading": "**Plan it in Logistics**",
    "pricing.handoff.choose": "Scenario to hand to the Logistics forecast",
    "pricing.handoff.send": "Use this scenario in the demand forecast",
    "pricing.handoff.upload": "The Logistics forecast plans with a dataset's promotion: pick the dataset in the "
                              "sidebar (not an upload on this page) to hand a scenario over.",
    "pricing.handoff.whole_store": "the whole store",
    "pricing.handoff.saved": "The Logistics page will forecast with “{name}”: {discount:.0%} effective discount on "
                             "{target}, {start} to {end}, {lift:+.0%} units while it runs.",
    "pricing.dynamic.lead": "Would experimenting with prices pay? Each simulated run draws a true elasticity the data "
                            "allows and lets three policies price week by week: keep today's price, ε-greedy (mostly "
                            "the best-looking price, sometimes a random one) and Thompson sampling (prices in "
                            "proportion to the chance each is best). Regret is what each gives up against always "
                            "charging the run's best price.",
    "pricing.dynamic.product": "Product",
    "pricing.dynamic.product.help": "Dependable estimates first, then by how much a better price would earn: at the "
                                    "top, today's price is furthest from the best one.",
    "pricing.dynamic.horizon": "Horizon ({period}s)",
    "pricing.dynamic.horizon.help": "How long the experiment runs.",
    "pricing.dynamic.width": "Price grid",
    "pricing.dynamic.width.help": "Prices tried around today's.",
    "pricing.dynamic.n": "Prices on the grid",
    "pricing.dynamic.noise": "Demand noise",
    "pricing.dynamic.noise.help": "Week-to-week swings in demand beyond chance, as a share (0.3 = demand varies ±30% "
                                  "from {period} to {period}).",
    "pricing.dynamic.epsilon": "ε (exploration share)",
    "pricing.dynamic.epsilon.help": "Share of periods ε-greedy spends on a random price.",
    "pricing.objective.profit": "gross profit",
    "pricing.objective.revenue": "revenue",
    "pricing.metric.thompson_gain": "Thompson sampling vs fixed price ({what})",
    "pricing.metric.thompson_gain.help": "Mean extra {what} over the horizon from experimenting with Thompson "
                                         "sampling.",
    "pricing.metric.regret": "{policy}: regret",
    "pricing.metric.regret.help": "Share of the best possible {what} given up while learning (fixed price: "
                                  "{fixed:.1%}).",
    "pricing.chart.policy.total": "Cumulative {what} by policy",
    "pricing.chart.policy.total_y": "Cumulative {what} ({currency})",
    "pricing.chart.policy.regret": "Cumulative regret by policy",
    "pricing.chart.policy.regret_y": "{what:cap} given up ({currency})",
    "pricing.chart.policy.x": "{period:cap}",
    "pricing.dynamic.pays": "Experimenting pays for this product: Thompson sampling earns {gain:money0} more {what} "
                            "than keeping today's price over {horizon} {period}s, while learning where the best price "
                            "is.",
    "pricing.dynamic.does_not_pay": "Experimenting does not pay for this product: today's price is already close to "
                                    "the best one, so trying other prices costs {loss:money0} of {what} over "
                                    "{horizon} {period}s.",
    "pricing.figure.elasticity.category": "elasticity by category",
    "pricing.figure.elasticity.product": "elasticity by product",
    "pricing.figure.curve": "demand and profit curve",
    "pricing.figure.scenarios": "promotion scenarios",
    "pricing.figure.baskets": "baskets {scenario}",
    "pricing.figure.dynamic.total": "dynamic pricing cumulative",
    "pricing.figure.dynamic.regret": "dynamic pricing regret",
    "pricing.table.categories": "elasticities by category",
    "pricing.table.products": "elasticities by product",
    "pricing.table.prices": "price recommendations",
    "pricing.table.scenarios": "promotion results",
    "pricing.table.assumptions": "promotion assumptions",
    "pricing.table.dynamic": "dynamic pricing policies",
    "pricing.note.method": "Elasticities: Poisson pseudo-maximum likelihood with product and time effects; 90% "
                           "intervals.",
    # the report's pricing section
    "pricing.report.name": "Price sensitivity",
    "pricing.report.table": "Elasticities",
    "pricing.report.low": "low (90%)",
    "pricing.report.high": "high (90%)",
    "pricing.report.elasticity": "Elasticity: the % change in units sold for a 1% higher price (−2 means 1% dearer "
                                 "sells about 2% fewer units). Measured from each product's own price changes over "
                                 "time; the interval shows the 90% range of plausible values.",
    "pricing.report.most": "Most price-sensitive: {category} ({elasticity:.2f}): a 10% price cut sells about "
                           "{change:+.0%} units.",
    "pricing.report.least": "Least price-sensitive: {category} ({elasticity:.2f}): a 10% price cut sells about "
                            "{change:+.0%} units.",
    "pricing.report.unreliable": "{estimates} estimate(s) are not reliable; the reason column says why. Do not set "
                                 "prices on them.",
    # (end of pricing)

    # --- coupons -------------------------------------------------------------------------
    # experiments: errors
    "experiments.error.no_column": "The data has no column {missing}. Its columns are: {columns}. Pick the right column.",
    "experiments.error.no_rows": "The experiment table has no rows. Check the file or the filter.",
    "experiments.error.text_outcome": "The outcome column {outcome} holds text, not numbers. Pick a 0/1 column "
                                      "(visited, converted) or a money column (spend).",
    "experiments.error.missing_values": "{rows} rows have no value in {outcome} or {arm} (data rows {examples}…). Fill "
                                        "them in (0 when nothing happened) or remove those customers.",
    "experiments.error.unknown_control": "The control arm {control} does not occur in {arm}; its values are: {values}. "
                                         "Pick the arm that got nothing.",
    "experiments.error.one_arm": "{arm} holds only one arm ({control}). An experiment needs a control and at least "
                                 "one treatment arm.",
    "experiments.error.not_binary": "{outcome} has values other than 0 and 1, so it cannot be analysed as a rate. "
                                    "Analyse it as money instead.",
    "experiments.error.small_arm": "The arm(s) {arms} have fewer than 2 customers; a lift needs at least 2 per arm.",
    "experiments.error.no_split": "{arm} holds fewer than two arms, so there is no split to check.",
    "experiments.error.intended_shares": "The intended shares must be positive numbers, e.g. 1/3 each.",
    "experiments.error.text_covariate": "The covariate {covariate} holds text. Pick a number measured before the "
                                        "campaign, e.g. last year's spend.",
    "experiments.error.missing_covariate": "{customers} customers have no value in {covariate}. Fill them in (0 for no "
                                           "purchases) or pick another covariate.",
    "experiments.error.constant_covariate": "{covariate} has the same value for every customer, so it cannot explain "
                                            "anything.",
    "experiments.error.kind": "kind must be 'binary' (a rate) or 'money'.",
    "experiments.error.baseline_rate": "The control group's rate must be between 0% and 100% (exclusive), e.g. 0.05 "
                                       "for 5%.",
    "experiments.error.sd": "For a money outcome give the standard deviation of spend per customer (it is shown in "
                            "the campaign table as std).",
    "experiments.error.alpha_power": "Significance level and power must be between 0 and 1, e.g. 0.05 and 0.8.",
    "experiments.error.lift_to_detect": "The lift to detect must be non-zero (and keep the treated rate between 0% "
                                        "and 100%).",
    "experiments.error.arm_size": "An arm needs at least 2 customers.",
    "experiments.error.no_coupon_codes": "These sales have no coupon codes. Map a coupon code column on the Data page, "
                                         "or upload the campaign as an experiment file.",
    "experiments.error.unknown_codes": "None of the codes {codes} occurs in the sales. Pick codes from the list.",
    "experiments.error.no_customer_ids": "These sales have no customer ids, so purchases cannot be matched to "
                                         "recipients.",
    "experiments.error.recipient_twice": "Customer {customer} appears more than once in the recipient list; each "
                                         "customer must be in exactly one arm.",
    "experiments.error.window_days": "The outcome window must be at least one day long.",
    # experiments: sentences
    "experiments.p.value": "{p:pvalue}",
    "experiments.rel": "{rel:+.0%}",
    "experiments.lift.same.binary": "{arm} changed the {outcome} rate by {lift:.{digits}f} points (95% CI "
                                    "{low:.{digits}f} to {high:.{digits}f}) compared with {control} "
                                    "({base:pct{digits}} → {treated:pct{digits}}, {p}): not distinguishable from no "
                                    "effect.",
    "experiments.lift.same.money": "{arm} changed {outcome} per customer by {lift:money} (95% CI {low:money} to "
                                   "{high:money}) compared with {control} ({base:money} → {treated:money}, {p}): not "
                                   "distinguishable from no effect.",
    "experiments.lift.up.binary": "{arm} raised the {outcome} rate by {lift:.{digits}f} points (95% CI "
                                  "{low:.{digits}f} to {high:.{digits}f}) compared with {control}: "
                                  "{base:pct{digits}} → {treated:pct{digits}}, {rel} relative ({p}).",
    "experiments.lift.down.binary": "{arm} lowered the {outcome} rate by {lift:.{digits}f} points (95% CI "
                                    "{low:.{digits}f} to {high:.{digits}f}) compared with {control}: "
                                    "{base:pct{digits}} → {treated:pct{digits}}, {rel} relative ({p}).",
    "experiments.lift.up.money": "{arm} raised {outcome} per customer by {lift:money} (95% CI {low:money} to "
                                 "{high:money}) compared with {control}: {base:money} → {treated:money}, {rel} "
                                 "relative ({p}).",
    "experiments.lift.down.money": "{arm} lowered {outcome} per customer by {lift:money} (95% CI {low:money} to "
                                   "{high:money}) compared with {control}: {base:money} → {treated:money}, {rel} "
                                   "relative ({p}).",
    # uplift: errors, model names, verdicts
    "uplift.error.lengths": "Outcomes ({outcomes}), scores ({scores}) and treatment flags ({flags}) must have the same "
                            "length.",
    "uplift.error.not_01.outcome": "The outcome must hold both 0 and 1 and nothing else (got {got}).",
    "uplift.error.not_01.treatment": "The treatment must hold both 0 and 1 and nothing else (got {got}).",
    "uplift.error.missing_scores": "Some uplift scores are missing (NaN); every customer needs a score.",
    "uplift.error.k": "k={k} must be a share between 0 and 1 or a whole number of customers below {n}.",
    "uplift.error.strategy": "strategy must be 'overall' or 'by_group', got {strategy}.",
    "uplift.error.k_too_large": "k={k} is larger than the treated or control group.",
    "uplift.error.scores": "There must be one score per customer and at least one model.",
    "uplift.error.rows": "Features, outcome and treatment must have one row per customer each.",
    "uplift.error.both_groups": "An uplift model needs both treated (1) and control (0) customers.",
    "uplift.error.class_transformation": "Class transformation needs a 0/1 outcome.",
    "uplift.error.no_features": "Pick at least one customer feature (e.g. recency, past spend, channel) for the models.",
    "uplift.error.unknown_features": "The data has no feature column {missing}.",
    "uplift.error.constant_features": "Every chosen feature has a single value for all customers, so nothing can tell "
                                      "customers apart. Pick other features.",
    "uplift.error.not_binary": "Uplift models need a 0/1 outcome; {outcome} has other values. Pick visited / "
                               "converted, or make a 0/1 column such as 'spent anything'.",
    "uplift.error.unknown_models": "Unknown model(s) {unknown}; choose from {known}.",
    "uplift.error.small_arm": "Arm {arm} needs at least {folds} customers with and {folds} without {outcome} = 1 to fit "
                              "and check uplift models.",
    "uplift_model.T-learner": "T-learner",
    "uplift_model.S-learner": "S-learner",
    "uplift_model.X-learner": "X-learner",
    "uplift_model.Class transformation": "Class transformation",
    "uplift.verdict.clear": "For {arm}, the {model} model targets clearly better than random: its Qini coefficient is "
                            "{qini:.3f} (95% CI {qini_low:.3f} to {qini_high:.3f}), and the {k:.0%} it ranks highest "
                            "respond {gain_over_all:+.2f} points more than the average customer (95% CI "
                            "{gain_over_all_low:+.2f} to {gain_over_all_high:+.2f}). Sending to everyone gains "
                            "{ate:+.2f} points per customer (95% CI {ate_low:+.2f} to {ate_high:+.2f}); targeting "
                            "concentrates that gain where it is largest.",
    "uplift.verdict.ranks": "For {arm}, the {model} model ranks customers better than random (Qini coefficient "
                            "{qini:.3f} (95% CI {qini_low:.3f} to {qini_high:.3f})), but its top {k:.0%} do not "
                            "respond reliably more than the average customer ({gain_over_all:+.2f} points, 95% CI "
                            "{gain_over_all_low:+.2f} to {gain_over_all_high:+.2f}). Sending to everyone gains "
                            "{ate:+.2f} points per customer (95% CI {ate_low:+.2f} to {ate_high:+.2f}).",
    "uplift.verdict.barely": "For {arm}, even the best model ({model}) barely beats random targeting: its Qini "
                             "coefficient is {qini:.3f} (95% CI {qini_low:.3f} to {qini_high:.3f}), an interval that "
                             "includes zero, so choosing customers with it is not reliably better than choosing them "
                             "at random. {everyone}",
    "uplift.verdict.everyone_pays": "Sending to everyone is the safer choice: it gains {ate:+.2f} points per customer "
                                    "(95% CI {ate_low:+.2f} to {ate_high:+.2f}).",
    "uplift.verdict.everyone_unsure": "Sending to everyone does not show a reliable gain either ({ate:+.2f} points, "
                                      "95% CI {ate_low:+.2f} to {ate_high:+.2f}).",
    # targeting: errors, strategies, summary
    "targeting.error.no_face_value": "Give the face value of at least one coupon.",
    "targeting.error.face_value": "Coupon face values must be amounts of money of 0 or more.",
    "targeting.error.order_value": "The typical order value must be above 0.",
    "targeting.error.margin": "The margin is a share of the order value between 0% and 100%.",
    "targeting.error.costs": "Redemption and contact costs cannot be negative.",
    "targeting.error.baseline": "There must be one baseline prediction per customer.",
    "targeting.error.duplicate_ids": "Customer ids must be unique to build a target list.",
    "targeting.error.missing_face_value": "Give the face value of coupon {coupons}.",
    "targeting.error.predictions": "Every customer needs an uplift prediction for {arm} and a baseline.",
    "targeting.error.budget_kind": "The budget is either an amount of money ('money') or a number of coupons "
                                   "('count').",
    "targeting.error.budget": "The budget must be a positive amount (or a positive number of coupons).",
    "targeting.strategy.optimised": "Uplift model, optimised",
    "targeting.strategy.everyone": "Send to everyone",
    "targeting.strategy.random": "Random customers",
    "targeting.strategy.playbook": "Segments playbook",
    "targeting.summary.none": "No customer is expected to bring in more than the coupon costs: send no coupons, or "
                              "lower the face value.",
    "targeting.summary.mix": "{count:,} × {coupon}",
    "targeting.summary.versus": " The best alternative within the budget ({strategy:lower}, {coupon}) is expected to "
                                "earn {profit:money0}.",
    "targeting.summary": "Send {mix:list} coupons: expected incremental profit {profit:money0} for an expected coupon "
                         "cost of {cost:money0}, counting the coupons used by customers who would have bought "
                         "anyway.{versus}",
    # loyalty: errors, summary
    "loyalty.error.negative": "Earn rate and point value cannot be negative.",
    "loyalty.error.breakage": "Breakage is the share of points never redeemed: from 0% up to (not including) 100%.",
    "loyalty.error.expiry": "Points must live at least one month before they expire (or never expire).",
    "loyalty.error.months_to_redeem": "Points are redeemed one month after they are earned at the earliest: the "
                                      "average months to redeem must be 1 or more.",
    "loyalty.error.member_share": "The members' share of sales must be above 0% and at most 100%.",
    "loyalty.error.months": "Simulate at least one month.",
    "loyalty.error.sales": "Give {months} months of sales, each 0 or more.",
    "loyalty.error.breakage_too_low": "With points expiring after {expiry} months and redeemed after "
                                      "{months_to_redeem:g} months on average, at least {expired:.0%} of points expire "
                                      "unredeemed, so breakage cannot be {breakage:.0%}. Raise the breakage, lengthen "
                                      "the expiry or shorten the time to redeem.",
    "loyalty.summary": "Once running, the programme costs {per_100:money} per {hundred:money0} of sales ({rate:.2%}). "
                       "After {months} months it owes an expected {owed:money0} in future redemptions (face value of "
                       "all outstanding points {face:money0}; the difference is expected breakage).",
    # the Coupons page
    "coupons.title": "Coupons",
    "coupons.lead": "Did the campaign work, and by how much? Which customers does a coupon actually move — and which "
                    "would have bought anyway? Whom should the next coupon go to within your budget? Every answer "
                    "comes with its uncertainty, and the target list is ready to download.",
    "coupons.step.sales": "Reading the coupon codes and monthly sales…",
    "coupons.step.campaign": "Reading the campaign…",
    "coupons.step.lifts": "Comparing the arms…",
    "coupons.step.cuped": "Adjusting for the covariate…",
    "coupons.step.power": "Planning the next campaign…",
    "coupons.step.uplift": "Fitting uplift models…",
    "coupons.step.folds": "Fitting uplift models: fold {done} of {total} done…",
    "coupons.step.playbook": "Finding the Segments playbook's customers…",
    "coupons.step.targeting": "Choosing customers and coupons…",
    "coupons.step.loyalty": "Simulating the points programme…",
    "coupons.error.recipients": "The recipient list needs a customer id column and an arm column (which coupon each "
                                "customer got, 'control' for none). Its columns are: {columns}.",
    "coupons.error.no_arm_column": "No column has between 2 and 20 different values, so none can be the arm (which "
                                   "e-mail or coupon each customer got). Check the file.",
    "coupons.error.no_outcome": "Pick at least one outcome column (0/1 such as converted, or money such as spend).",
    "coupons.data.heading": "Campaign data",
    "coupons.data.where": "Where is the campaign?",
    "coupons.data.where.help": "A randomised campaign: every customer was assigned to one arm (one arm gets nothing, "
                               "the control) before anyone bought.",
    "coupons.data.source.dataset": "Campaign in this dataset",
    "coupons.data.source.upload": "Upload an experiment file",
    "coupons.data.source.sales": "Build from the coupon codes in the sales",
    "coupons.data.dataset": "The dataset's campaign table: {customers:,} customers.",
    "coupons.data.upload.lead": "One row per customer: an arm column (which e-mail or coupon the customer got; any "
                                "number of arms, one of them the control), outcomes (0/1 such as visited or converted, "
                                "or money such as spend) and customer features measured before the campaign (numbers "
                                "or text). CSV, Excel or Parquet. Hillstrom's e-mail test (hillstrom.csv) is an "
                                "example.",
    "coupons.data.upload": "Experiment file",
    "coupons.data.read": "Read {rows:,} rows from {file}.",
    "coupons.data.unreadable": " {rows:,} unreadable lines were set aside (download them below).",
    "coupons.data.codes": "The campaign's coupon codes",
    "coupons.data.codes.help": "Codes printed on this campaign's coupons; used to find its dates and who redeemed.",
    "coupons.data.launch": "Campaign start",
    "coupons.data.launch.help": "Features use sales before this day; outcomes the days after.",
    "coupons.data.days": "Outcome window (days)",
    "coupons.data.recipients": "Who got what (customer id and arm, control included)",
    "coupons.data.recipients.help": "The mailing list with the arm each customer was randomised to; without the "
                                    "control group nobody can tell what the coupon added.",
    "coupons.data.pick": "Pick or upload a campaign above to start. The demo retailer's dataset holds a coupon "
                         "campaign (control, £5 and £10 off).",
    "coupons.columns.heading": "Columns",
    "coupons.columns.arm": "Arm column",
    "coupons.columns.arm.help": "Which treatment each customer got.",
    "coupons.columns.control": "Control arm",
    "coupons.columns.control.help": "The arm that got nothing; every lift is measured against it.",
    "coupons.columns.id": "Customer id column",
    "coupons.columns.id.help": "Names the customers in the target list.",
    "coupons.columns.row_number": "(row number)",
    "coupons.columns.outcomes": "Outcomes",
    "coupons.columns.outcomes.help": "0/1 columns are analysed as rates (two-proportion z-test), others as money per "
                                     "customer (Welch's t-test).",
    "coupons.columns.features": "Customer features for the uplift models",
    "coupons.columns.features.help": "What was known about each customer before the campaign; text columns such as "
                                     "channel are handled as categories.",
    "coupons.columns.equal": "The arms were meant to be the same size",
    "coupons.columns.equal.help": "Used by the sample-ratio check.",
    "coupons.columns.share": "Planned share of {arm} (%)",
    "coupons.columns.no_outcome": "Pick at least one outcome column under Columns.",
    "coupons.tab.lifts": "Did it work?",
    "coupons.tab.uplift": "Who does it move?",
    "coupons.tab.targeting": "Whom to send next",
    "coupons.tab.loyalty": "Loyalty points",
    "coupons.srm.mismatch": "Sample-ratio mismatch: the arms' sizes are far from the intended split (χ² = {chi2:,.1f}, "
                            "{p:pvalue}). The randomisation or the data export is probably broken — check it before "
                            "trusting any lift below.",
    "coupons.srm.healthy": "The arms' sizes match the intended split (χ² = {chi2:.2f}, {p:pvalue}): the randomisation "
                           "looks healthy.",
    "coupons.lift.points": "{value:+.{digits}f} pts",
    "coupons.lift.money.up": "+{value:money}",
    "coupons.lift.money.down": "-{value:money}",
    "coupons.metric.interval": "{low} … {high}",
    "coupons.metric.per_point": "rate in points",
    "coupons.metric.per_customer": "per customer",
    "coupons.metric.lift.help": "Lift over {control} ({per}); 95% CI {interval}; {p:pvalue} (Holm-adjusted). The "
                                "arrow shows the relative lift; grey when it cannot be told apart from zero.",
    "coupons.figure.lifts": "Lift over control",
    "coupons.unit.binary": "% / points",
    "coupons.lifts.table": "Every arm and outcome: customers, mean (rate in % for 0/1 outcomes), absolute lift with its "
                           "95% interval (points or money), relative lift, raw and Holm-adjusted p-values.",
    "coupons.table.lifts": "Campaign lifts",
    "coupons.cuped.heading": "Sharper intervals with a pre-campaign covariate (CUPED)",
    "coupons.cuped.covariate": "Covariate measured before the campaign",
    "coupons.cuped.covariate.help": "E.g. last year's spend. The more it predicts the outcome, the narrower the "
                                    "intervals; the lift itself does not change on average.",
    "coupons.cuped.caption": "Adjusting for {covariate} narrows the intervals by up to {gain:.1%} (the share of "
                             "variance {covariate} explains); worthwhile when that is several percent.",
    "coupons.cuped.none": "No numeric column is left to use as a pre-campaign covariate.",
    "coupons.power.heading": "Plan the next campaign: power and smallest detectable lift",
    "coupons.power.outcome": "Outcome",
    "coupons.power.rate": "Control rate (%)",
    "coupons.power.mean": "Control mean",
    "coupons.power.baseline.help": "What the control group achieves; taken from this campaign.",
    "coupons.power.n": "Customers per arm",
    "coupons.power.n.help": "Control-arm size of the next campaign.",
    "coupons.power.power": "Power",
    "coupons.power.power.help": "The chance of detecting a real lift of the given size (α = 5%, two-sided).",
    "coupons.power.mde": "Smallest detectable lift",
    "coupons.power.mde.help": "With {n:,} customers per arm, a lift this large is detected {power:.0%} of the time.",
    "coupons.power.need": "Customers per arm to detect this campaign's lift",
    "coupons.power.need.help": "To detect a lift of {lift} (the largest seen here).",
    "coupons.power.y_points": "Lift (points)",
    "coupons.power.y_money": "Lift ({currency} per customer)",
    "coupons.uplift.needs_binary": "Uplift models need a 0/1 outcome (visited, converted). Add one under Columns.",
    "coupons.uplift.needs_features": "Pick customer features under Columns to fit uplift models.",
    "coupons.uplift.outcome": "Outcome to model",
    "coupons.uplift.outcome.help": "The 0/1 outcome whose uplift the models predict (for targeting: did the customer "
                                   "buy).",
    "coupons.uplift.models": "Models",
    "coupons.uplift.models.help": "T-learner: one model for treated and one for control customers; uplift = the "
                                  "difference. S-learner: one model with the treatment as a feature. X-learner: "
                                  "models each group's individual effects directly (good when one arm is small). Class "
                                  "transformation: one classifier on a relabelled outcome.",
    "coupons.uplift.folds": "Cross-fitting folds",
    "coupons.uplift.folds.help": "Each customer is scored by models trained without them.",
    "coupons.uplift.k": "Share targeted for uplift@k",
    "coupons.uplift.k.help": "Compares the top share the model ranks highest with everyone.",
    "coupons.uplift.no_models": "Pick at least one model.",
    "coupons.uplift.how": "How the models are judged: the Qini curve counts the extra buyers among the customers the "
                          "model ranks highest; the Qini coefficient is the area between that curve and random "
                          "targeting, divided by the same area for a perfect ranking (scikit-uplift's definition: 0 = "
                          "random, 1 = perfect; other tools such as causalml normalise differently). Scores are "
                          "cross-fitted and intervals come from 200 bootstrap resamples.",
    "coupons.uplift.treatment": "Treatment",
    "coupons.uplift.best": "Best model",
    "coupons.uplift.best.help": "The model with the highest Qini coefficient on this treatment.",
    "coupons.uplift.qini": "Qini coefficient",
    "coupons.uplift.qini.delta": "95% CI {low:.3f} to {high:.3f}",
    "coupons.uplift.qini.help": "0 = no better than picking customers at random; 1 = perfect ranking.",
    "coupons.uplift.top": "Uplift in the top {k:.0%}",
    "coupons.uplift.top.delta": "{gain:+.2f} pts vs everyone",
    "coupons.uplift.top.help": "Treated minus control {outcome} rate among the {k:.0%} the model ranks highest, "
                               "compared with everyone ({ate:+.2f} pts).",
    "coupons.figure.qini": "Qini curves ({arm})",
    "coupons.uplift.deciles": "If the model works, the bars fall from left to right: the first deciles respond much "
                              "more to the treatment than the last. Bars whose interval crosses zero cannot be told "
                              "apart from no effect.",
    "coupons.uplift.scores": "Every model on every treatment: Qini coefficient and normalised area under the uplift "
                             "curve, uplift among the top share and for everyone (ate), with 95% bootstrap intervals.",
    "coupons.table.models": "Uplift models",
    "coupons.table.deciles": "Uplift by decile ({arm})",
    "coupons.targeting.fit_first": "Fit the uplift models on the previous tab first: the target list ranks customers "
                                   "by their predicted uplift.",
    "coupons.targeting.lead": "Expected incremental profit of a coupon = extra {outcome} × order value × margin − "
                              "coupon value and handling on every expected redemption (including customers who would "
                              "have bought anyway) − the cost of sending it. Predictions are the best model's "
                              "cross-fitted scores.",
    "coupons.economics.heading": "Coupon economics and budget",
    "coupons.economics.face": "Face value of {arm} ({currency})",
    "coupons.economics.face.help": "Money off per redeemed coupon (0 for a plain e-mail).",
    "coupons.economics.order": "Order value ({currency})",
    "coupons.economics.order.help": "Typical order value of a buyer in the campaign window (default: control buyers' "
                                    "spend).",
    "coupons.economics.margin": "Gross margin (%)",
    "coupons.economics.margin.help": "Share of the order value left after the cost of goods.",
    "coupons.economics.redemption": "Handling per redemption ({currency})",
    "coupons.economics.redemption.help": "Clearing fees and till time per coupon used.",
    "coupons.economics.contact": "Cost per coupon sent ({currency})",
    "coupons.economics.contact.help": "Printing and postage; about 0 for e-mail.",
    "coupons.economics.budget": "Budget",
    "coupons.economics.budget.money": "Money",
    "coupons.economics.budget.count": "Number of coupons",
    "coupons.economics.budget_money": "Coupon budget ({currency})",
    "coupons.economics.budget_money.help": "Expected money spent on redeemed coupons, handling and sending.",
    "coupons.economics.budget_count": "Coupons to send",
    "coupons.economics.playbook": "Coupon in the Segments playbook",
    "coupons.economics.playbook.help": "The coupon sent to the customers of the segments the Segments page ticks for "
                                       "coupons (default playbook until you edit it there).",
    "coupons.targeting.customers": "Customers to send",
    "coupons.targeting.customers.help": "Customers in the target list (each gets at most one coupon).",
    "coupons.targeting.profit": "Expected incremental profit",
    "coupons.targeting.profit.help": "Compared with sending nothing. No plan within the budget can beat "
                                     "{bound:money0} (the optimiser's bound).",
    "coupons.targeting.cost": "Expected coupon cost",
    "coupons.targeting.cost.help": "Coupon value and handling on expected redemptions plus sending costs.",
    "coupons.targeting.runner_up": "Best alternative",
    "coupons.targeting.runner_up.help": "{strategy} ({coupon}), within the same budget; the arrow shows how much more "
                                        "the optimised list is expected to earn.",
    "coupons.targeting.curve": "The curve rises while the next customer's extra margin outweighs the coupons they and "
                               "the would-buy-anyway customers redeem; its peak is where to stop.",
    "coupons.targeting.strategies": "All strategies valued with the same predictions. Random targeting is its expected "
                                    "value within the budget; send-to-everyone ignores the budget (see within_budget).",
    "coupons.targeting.no_playbook": "The Segments playbook is compared only when the campaign's customer ids match "
                                     "customers in the sales data.",
    "coupons.targeting.list": "Target list",
    "coupons.targeting.list.caption": "The first 500 of {customers:,} customers; the downloads hold all of them.",
    "coupons.targeting.download_csv": "Download the target list (CSV)",
    "coupons.targeting.download_excel": "Download the target list (Excel)",
    "coupons.table.strategies": "Coupon strategies",
    "coupons.table.targets": "Target list (top 1,000)",
    "coupons.figure.profit": "Profit by share targeted",
    "coupons.loyalty.lead": "What a points programme costs per unit of sales and how much it owes in unredeemed "
                            "points, month by month.",
    "coupons.loyalty.earn": "Points per {currency}1 spent",
    "coupons.loyalty.value": "Value of a point ({currency})",
    "coupons.loyalty.breakage": "Breakage (%)",
    "coupons.loyalty.breakage.help": "Share of points never redeemed, expired ones included.",
    "coupons.loyalty.expiry": "Points expire after",
    "coupons.loyalty.never": "never",
    "coupons.loyalty.months": "{months} months",
    "coupons.loyalty.redeem": "Average months to redeem",
    "coupons.loyalty.redeem.help": "For points that do get redeemed.",
    "coupons.loyalty.members": "Members' share of sales (%)",
    "coupons.loyalty.sales": "Monthly sales ({currency})",
    "coupons.loyalty.sales.help": "Default: the average month of the last year in this dataset.",
    "coupons.loyalty.horizon": "Months to simulate",
    "coupons.loyalty.cost": "Cost per {hundred:money0} of sales",
    "coupons.loyalty.cost.help": "Once the programme runs steadily: members' share × points per unit × point value × "
                                 "(1 − breakage).",
    "coupons.loyalty.liability": "Expected liability at the end",
    "coupons.loyalty.liability.help": "Future redemptions expected from the points outstanding (breakage excluded).",
    "coupons.loyalty.face": "Face value outstanding",
    "coupons.loyalty.face.help": "All outstanding points at full value, as if every one were redeemed.",
    "coupons.table.points": "Loyalty points simulation",
    "coupons.figure.points": "Points liability",
    "coupons.saved_name": "Coupon campaign",
    # the report's campaign section
    "report.coupons.name": "Coupon campaign results",
    "report.coupons.no_campaign": "The campaign table needs a column saying which group each customer was in (arm) "
                                  "and at least one outcome (converted, spend). Check it on the Coupons page.",
    "report.coupons.split": "Group sizes match an even split (χ² {p:pvalue}).",
    "report.coupons.split_off": "Group sizes do not match an even split (χ² {p:pvalue}): check how customers were "
                                "assigned before trusting the lifts.",
    "report.coupons.no_uplift": "Uplift models not fitted: {reason}",
    "report.coupons.lifts": "Lifts against control",
    "report.coupons.models": "Targeting models ({outcome})",
    # charts of the Coupons page
    "chart.lift_bars.title": "Lift over control, relative, with 95% intervals",
    "chart.lift_bars.x": "Outcome",
    "chart.lift_bars.y": "Relative lift (%)",
    "chart.mde_curve.title": "Smallest detectable lift by campaign size",
    "chart.mde_curve.x": "Customers per arm (log scale)",
    "chart.mde_curve.y": "{y}",
    "chart.mde_curve.mde": "Detectable lift",
    "chart.mde_curve.current": "plan",
    "chart.qini_curves.title": "Qini curves: extra {outcome} from {arm} by share targeted",
    "chart.qini_curves.x": "Share of customers targeted, best-ranked first",
    "chart.qini_curves.y": "Extra {outcome} (customers)",
    "chart.qini_curves.random": "Random targeting",
    "chart.uplift_deciles.title": "Observed {outcome} uplift by decile of the {model}'s ranking",
    "chart.uplift_deciles.x": "Decile (1 = highest predicted uplift)",
    "chart.uplift_deciles.y": "Uplift (percentage points)",
    "chart.uplift_deciles.observed": "Observed uplift",
    "chart.uplift_deciles.predicted": "Predicted uplift",
    "chart.strategy_bars.title": "Expected incremental profit by strategy",
    "chart.strategy_bars.x": "Expected incremental profit ({currency})",
    "chart.strategy_bars.y": "Strategy (coupon); hatched = over budget",
    "chart.strategy_bars.over_budget": "over budget",
    "chart.profit_curves.title": "Where to stop: expected profit by share of customers targeted",
    "chart.profit_curves.x": "Share of customers targeted, most profitable first",
    "chart.profit_curves.y": "Cumulative expected incremental profit ({currency})",
    "chart.profit_curves.best coupon": "Best coupon per customer",
    "chart.profit_curves.plan": "this plan",
    "chart.points_over_time.title": "Points programme: liability and redemption cost over time",
    "chart.points_over_time.x": "Month",
    "chart.points_over_time.y": "Amount ({currency})",
    "chart.points_over_time.redemption_cost": "Redemption cost per month",
    "chart.points_over_time.liability": "Expected liability",
    "chart.points_over_time.liability_face_value": "Face value outstanding",
    # column titles of the Coupons page's tables
    "column.unit": "Unit",
    "column.rel_lift_low": "Relative, 95% low",
    "column.rel_lift_high": "Relative, 95% high",
    "column.lift_cuped": "Lift, CUPED",
    "column.lift_cuped_low": "CUPED, 95% low",
    "column.lift_cuped_high": "CUPED, 95% high",
    "column.ci_width": "Interval width",
    "column.ci_width_cuped": "Width, CUPED",
    "column.narrower_by": "Narrower by",
    "column.correlation": "Correlation",
    "column.uplift_auc": "Uplift AUC",
    "column.uplift_at_k_low": "Top k, 95% low",
    "column.uplift_at_k_high": "Top k, 95% high",
    "column.ate_low": "Everyone, 95% low",
    "column.ate_high": "Everyone, 95% high",
    "column.gain_over_all_low": "Gain, 95% low",
    "column.gain_over_all_high": "Gain, 95% high",
    "column.decile": "Decile",
    "column.n_treatment": "Treated",
    "column.n_control": "Control customers",
    "column.rate_treatment": "Rate, treated",
    "column.rate_control": "Rate, control",
    "column.uplift_low": "Uplift, 95% low",
    "column.uplift_high": "Uplift, 95% high",
    "column.predicted_uplift": "Predicted uplift",
    "column.strategy": "Strategy",
    "column.expected_cost": "Expected cost",
    "column.expected_incremental_buyers": "Extra buyers",
    "column.expected_incremental_profit": "Expected incremental profit",
    "column.within_budget": "Within budget",
    "column.expected_uplift": "Expected uplift",
    "column.points_earned": "Points earned",
    "column.points_redeemed": "Points redeemed",
    "column.points_expired": "Points expired",
    "column.points_outstanding": "Points outstanding",
    "column.redemption_cost": "Redemption cost",
    "column.liability": "Expected liability",
    "column.liability_face_value": "Face value outstanding",
    "column.cost_per_sales": "Cost per sales",
    # (end of coupons)

    # --- logistics -----------------------------------------------------------------------
    # forecast (promo_core.forecast)
    "forecast_model.seasonal_naive": "Seasonal naive",
    "forecast_model.holt_winters": "Holt-Winters",
    "forecast_model.gradient_boosting": "Gradient boosting",
    "forecast.key.product": "product ids",
    "forecast.key.category": "product categories",
    "forecast.key.store": "store ids",
    "forecast.error.level": "Unknown forecast level '{level}'; use one of {levels:list}.",
    "forecast.error.no_key": "The sales data has no {what}, so demand cannot be forecast per {level}. Map that column "
                             "on the Data page or pick another level.",
    "forecast.error.no_sales": "There are no sales lines (quantity above zero) to forecast from.",
    "forecast.error.few_weeks": "The sales cover only {weeks} complete weeks; forecasts need at least 12 (a year or "
                                "more to see seasonality). Upload a longer history.",
    "forecast.error.naive_history": "Seasonal naive needs at least {needed} weeks; the series has {weeks}.",
    "forecast.error.hw_history": "Holt-Winters needs at least {needed} weeks; the series has {weeks}.",
    "forecast.error.gb_history": "Gradient boosting needs more history: only {weeks} usable weeks.",
    "forecast.error.scenario": "The saved promotion scenario is incomplete ({detail}). Set the promotion again on the "
                               "Pricing page or enter it here.",
    "forecast.error.discount": "A discount must be between 0 % and 100 % (got {discount:.0%}).",
    "forecast.error.promotion_dates": "The promotion ends before it starts. Check the dates.",
    "forecast.error.elasticity": "The elasticity must be a number.",
    "forecast.error.promotion_level": "Unknown promotion level '{level}'.",
    "forecast.error.promotion_target": "Choose which product or category is on promotion.",
    "forecast.error.horizon": "Forecast between 1 and 52 weeks ahead.",
    "forecast.error.interval": "The interval coverage must be between 50 % and 99 %.",
    "forecast.error.backtest_history": "The history has {weeks} weeks, too few to backtest a {horizon}-week forecast. "
                                       "Forecast fewer weeks ahead or upload a longer history.",
    "forecast.note.no_season": "The history has {weeks} weeks: too short to learn a {season}-week season and still "
                               "backtest {horizon} weeks, so the models ignore seasonality (about {needed} weeks are "
                               "needed).",
    "forecast.note.origins": "Backtested from {origins} origins (history too short for {wanted}).",
    "forecast.note.left_out": "{model} was left out: the history is too short for it at this level.",
    "forecast.note.promotion_outside": "The promotion's dates fall outside the forecast weeks, or it covers none of "
                                       "these series, so it changes nothing here.",
    "forecast.progress.backtest": "Backtesting {model} from week {week}…",
    "forecast.progress.fit": "Forecasting with {model}…",
    "forecast.progress.done": "Done.",
    # inventory (promo_core.inventory)
    "inventory.error.lead_time": "The lead time must be longer than zero weeks.",
    "inventory.error.service_level": "Choose a service level between 50 % and 99.9 %.",
    "inventory.error.costs": "The ordering cost and the holding cost rate must be above zero.",
    "inventory.error.lead_time_sd": "The lead-time variability cannot be negative.",
    "inventory.error.item": "Item {item} has a negative demand or no unit cost above zero. Check the products table's "
                            "unit_cost or the cost assumption.",
    # network (promo_core.logistics)
    "logistics.fixed_cost": "fixed cost",
    "logistics.capacity": "capacity",
    "logistics.demand": "demand",
    "logistics.force_open": "force_open",
    "logistics.force_closed": "force_closed",
    "logistics.table.warehouses": "warehouses",
    "logistics.table.stores": "stores",
    "logistics.error.not_numbers": "The {what} must be numbers.",
    "logistics.error.missing_value": "The {what} has a missing or infinite value (position {position}). Fill it in and "
                                     "try again.",
    "logistics.error.negative": "The {what} cannot be negative (position {position} is {value:g}).",
    "logistics.error.mask": "{what} needs one true/false value per warehouse ({warehouses}), got {given}.",
    "logistics.error.empty_network": "The network needs at least one warehouse and one store.",
    "logistics.error.capacities": "There are {warehouses} fixed costs but {capacities} capacities: give one of each per "
                                  "warehouse.",
    "logistics.error.cost_shape": "The cost table must have one row per warehouse and one column per store "
                                  "({warehouses} x {stores}); it is {shape}.",
    "logistics.error.bad_costs": "The cost table has missing or negative costs. Use a number ≥ 0 for every "
                                 "warehouse-store pair (leave a lane out of an uploaded table to forbid it).",
    "logistics.error.capacity_short": "The stores need {demand:,.0f} units but the warehouses that may open can ship "
                                      "only {available:,.0f}. Add at least {missing:,.0f} units of capacity, reopen a "
                                      "warehouse or lower the demand.",
    "logistics.error.stranded": "Store number {store} cannot be reached from any open warehouse (no allowed lane). "
                                "Add a lane for it to the cost table or reopen a warehouse.",
    "logistics.error.single_too_big": "With single sourcing, store number {store} needs {demand:,.0f} units but no "
                                      "warehouse that can reach it holds that much (largest {largest:,.0f}). Allow "
                                      "split deliveries or add capacity.",
    "logistics.error.infeasible": "No plan can serve every store within the warehouses' capacities (the solver proved "
                                  "it). Add capacity, reopen warehouses, allow split deliveries or lower the demand.",
    "logistics.error.no_plan_in_time": "The optimiser stopped before it found any plan (time limit). Give it more time "
                                       "or fewer candidate warehouses.",
    "logistics.error.transportation": "The transportation problem could not be solved ({detail}).",
    "logistics.error.unreadable_line": "{file}: line {row} could not be read ({reason}; {lines:,} unreadable line(s) "
                                       "in all). Fix the file so that every site and lane is read.",
    "logistics.error.site_columns": "The {table} table needs the columns {needed:list}; it has no column for "
                                    "{missing:list} (its columns: {columns:list}).",
    "logistics.error.site_no_id": "Row {row} of the {table} table has no id.",
    "logistics.error.site_twice": "The {table} table lists {site} more than once. Each site needs its own row.",
    "logistics.error.site_value": "Row {row} of the {table} table ({site}) has an invalid {column} '{value}'. Use a "
                                  "number (latitude -90..90, longitude -180..180, amounts ≥ 0).",
    "logistics.error.site_no_rows": "The {table} table has no rows.",
    "logistics.error.cost_unknown_sites": "The cost table names sites that are not in the warehouses/stores tables: "
                                          "{sites:list}. Use the same ids in all three tables.",
    "logistics.error.cost_value": "The cost from {warehouse} to {store} is not a number ≥ 0.",
    "logistics.error.cost_twice": "The cost table gives the lane {warehouse} → {store} twice.",
    "logistics.error.unknown_warehouse": "Unknown warehouse {warehouse}.",
    "logistics.error.demand_change": "Demand cannot fall by 100 % or more.",
    "logistics.error.rate": "The shipping cost per unit and km must be a number ≥ 0 (got {rate}).",
    # the analysis (promo_core.analyses.logistics)
    "logistics.step.products": "Listing the products and estimating price elasticities…",
    "logistics.step.forecast": "Forecasting and backtesting the models…",
    "logistics.step.network": "Optimising the network…",
    "logistics.step.what_if": "Re-optimising the scenario…",
    "logistics.elasticity.none": "No elasticity could be estimated from this data: {value:.1f} is a typical grocery "
                                 "value; set your own.",
    "logistics.elasticity.no_category": "No reliable estimate for this category: {value:.1f} is a typical value; set "
                                        "your own.",
    "logistics.elasticity.category": "Elasticity of {category} estimated from your sales (Pricing model): {value:.2f} "
                                     "(90 % interval {low:.2f} to {high:.2f}).",
    "logistics.elasticity.weighted": "Sales-weighted average of the categories' estimated elasticities: {value:.2f}.",
    # the Logistics page
    "logistics.title": "Logistics",
    "logistics.lead": "How much will sell where, how much stock each product needs, and which warehouse should serve "
                      "which store — so a promotion neither runs out nor leaves stock stranded.",
    "logistics.tab.forecast": "Demand forecast",
    "logistics.tab.stock": "Stock policy",
    "logistics.tab.network": "Warehouse network",
    "logistics.change0": "{change:+.0%}",
    "logistics.change1": "{change:+.1%}",
    "logistics.share2": "{share:.2%}",
    "logistics.signed": "{value:+d}",
    "logistics.open_of": "{open} / {all}",
    "logistics.level.product": "Product",
    "logistics.level.category": "Category",
    "logistics.level.store": "Store",
    "logistics.level.total": "Whole business",
    "logistics.forecast.settings": "Forecast settings",
    "logistics.forecast.level": "Forecast demand per",
    "logistics.forecast.level.help": "Weekly units per product, per category, per store (store sales only) or for the "
                                     "whole business.",
    "logistics.forecast.horizon": "Weeks ahead",
    "logistics.forecast.horizon.help": "How far ahead to forecast; each backtest scores the same number of weeks.",
    "logistics.forecast.interval": "Interval coverage",
    "logistics.forecast.interval.help": "The shaded band should hold the real demand this often; it is set from the "
                                        "models' own backtest errors.",
    "logistics.promotion.heading": "Planned promotion",
    "logistics.promotion.use_pricing": "Use the promotion planned on the Pricing page",
    "logistics.promotion.use_pricing.help": "The scenario you chose on the Pricing page: its discount, dates and "
                                            "elasticity.",
    "logistics.promotion.whole_range": "the whole range",
    "logistics.promotion.scenario_name": "“{name}”: ",
    "logistics.promotion.from_pricing": "{name}{discount:.0%} off {what} (customers pay {tenths:.1f} in every 10) from "
                                        "{start:%d %b %Y} to {end:%d %b %Y}, "
                                        "elasticity {elasticity:.2f}: {lift:+.0%} units while it runs.",
    "logistics.promotion.plan": "Plan a promotion",
    "logistics.promotion.plan.help": "Add a price promotion to the forecast: demand rises by (1 − discount) ^ "
                                     "elasticity while it runs.",
    "logistics.promotion.no_products": "The products sold could not be listed (see above), so no promotion can be "
                                       "planned here.",
    "logistics.promotion.scope": "What is on promotion",
    "logistics.promotion.scope.category": "A category",
    "logistics.promotion.scope.product": "A product",
    "logistics.promotion.scope.all": "Everything",
    "logistics.promotion.category": "Category",
    "logistics.promotion.product": "Product",
    "logistics.promotion.product.help": "The 300 best sellers of the last year.",
    "logistics.promotion.discount": "Discount (%)",
    "logistics.promotion.discount.help": "Share off the regular price.",
    "logistics.promotion.start": "First day",
    "logistics.promotion.end": "Last day",
    "logistics.promotion.elasticity": "Price elasticity",
    "logistics.promotion.elasticity.help": "% change in units for a 1 % price change; −1.5 means 20 % off sells "
                                           "(0.8^−1.5 − 1) = 40 % more.",
    "logistics.metric.best": "Most accurate model",
    "logistics.metric.best.help": "Lowest average MASE in the backtest: the model that would have forecast the last "
                                  "weeks best.",
    "logistics.metric.vs_naive": "Error vs last year's copy",
    "logistics.metric.vs_naive.help": "How much smaller its backtest error (MASE) is than simply repeating last year's "
                                      "week (seasonal naive). Negative is better.",
    "logistics.metric.units": "Units, next {horizon} weeks",
    "logistics.metric.units.help": "All series together, with the planned promotion.",
    "logistics.metric.uplift": "Promotion uplift",
    "logistics.metric.uplift.help": "Extra units the promotion adds over the forecast without it.",
    "logistics.forecast.show": "Show",
    "logistics.forecast.show.help": "Ordered by the last year's units; a promoted series is shown first.",
    "logistics.chart.forecast.title": "Weekly demand: {series}",
    "logistics.chart.forecast.x": "Week",
    "logistics.chart.forecast.y": "Units per week",
    "logistics.chart.forecast.band": "{interval:.0%} interval ({model})",
    "logistics.chart.forecast.baseline": "Without the promotion",
    "logistics.chart.forecast.actual": "Actual",
    "logistics.forecast.chart.caption": "Black: what sold. Lines: each model's forecast (the thick one is the most "
                                        "accurate). Shaded: where demand should fall with the chosen probability. "
                                        "Dashed orange: the forecast without the promotion; the gap is the promotion's "
                                        "uplift.",
    "logistics.backtest.heading": "How well each model forecast the past",
    "logistics.backtest.caption": "Rolling-origin backtest: each model was refitted {origins} times on the data up to "
                                  "a past week and scored on the {horizon} weeks after it. MASE: error relative to "
                                  "repeating last year's week in-sample (below 1 = better than that); sMAPE: typical % "
                                  "error; bias: total over (+) or under (−) forecast.",
    "logistics.forecast.details": "Forecast table and backtest per series",
    "logistics.stock.lead": "A reorder-point policy per product: when stock falls to the reorder point, order the "
                            "economic order quantity. Demand is the product forecast (with the planned promotion); "
                            "safety stock covers its backtest error over the lead time.",
    "logistics.stock.settings": "Stock settings",
    "logistics.stock.lead_time": "Lead time (weeks)",
    "logistics.stock.lead_time.help": "Weeks from placing an order to the stock being on the shelf.",
    "logistics.stock.lead_time_sd": "Lead-time variability (weeks, sd)",
    "logistics.stock.lead_time_sd.help": "How much the lead time varies; 0 if suppliers are always on time.",
    "logistics.stock.service": "Service level (%)",
    "logistics.stock.service.help": "Chance that a replenishment cycle ends without running out.",
    "logistics.stock.order_cost": "Cost per order ({currency})",
    "logistics.stock.order_cost.help": "Admin, delivery and handling of one order.",
    "logistics.stock.holding": "Holding cost (% of unit cost a year)",
    "logistics.stock.holding.help": "Capital, storage, shrinkage and obsolescence.",
    "logistics.stock.cost_share": "Unit cost when unknown (% of price)",
    "logistics.stock.cost_share.help": "Used for products without a unit cost in the products table.",
    "logistics.stock.no_forecast": "The stock policy starts from the demand forecast, which could not be made: see the "
                                   "Demand forecast tab.",
    "logistics.metric.safety_value": "Safety stock value",
    "logistics.metric.safety_value.help": "Money tied up in spare stock kept against forecast errors.",
    "logistics.metric.stock_cost": "Stock cost a year",
    "logistics.metric.stock_cost.help": "Holding (average stock × holding cost) plus ordering cost, all products.",
    "logistics.metric.fill_rate": "Fill rate",
    "logistics.metric.fill_rate.help": "Share of units demanded that are served straight from stock.",
    "logistics.metric.stockouts": "Stock-outs a year",
    "logistics.metric.stockouts.help": "Expected number of order cycles that run out before the next delivery, all "
                                       "products.",
    "logistics.chart.service.title": "What a higher service level costs",
    "logistics.chart.service.x": "Service level (%)",
    "logistics.chart.service.cost_axis": "Safety stock holding cost a year ({currency})",
    "logistics.chart.service.short_axis": "Units short a year",
    "logistics.chart.service.cost": "Safety stock cost",
    "logistics.chart.service.short": "Units short",
    "logistics.chart.service.target": "your target",
    "logistics.stock.chart.caption": "Each extra point of service costs more than the last: safety stock grows with z, "
                                     "the normal quantile of the service level, while shortages fall ever more slowly. "
                                     "Ordering and cycle-stock costs do not depend on the service level and are left "
                                     "out of this chart.",
    "logistics.stock.table": "Per product: weekly demand and forecast error (units), economic order quantity, safety "
                             "stock and reorder point (units), yearly costs and expected units short.",
    "logistics.stock.download": "Download policy as Excel",
    "logistics.network.own": "Use your own network",
    "logistics.network.own.caption": "Warehouses CSV/Excel: site_id, name, lat, lon, capacity (units a week), "
                                     "fixed_cost (per week). Stores: site_id, name, lat, lon, demand (units a week). "
                                     "Optional cost table: one row per warehouse and one column per store, or rows of "
                                     "warehouse, store, cost per unit; a lane left out cannot be used.",
    "logistics.network.upload_warehouses": "Warehouses",
    "logistics.network.upload_stores": "Stores",
    "logistics.network.upload_costs": "Cost per unit (optional)",
    "logistics.network.none": "This dataset has no warehouse and store network. Upload both tables above to plan one.",
    "logistics.network.cost_from_table": "Shipping cost per unit from your uploaded cost table.",
    "logistics.network.rate": "Shipping cost per unit per km ({currency})",
    "logistics.network.rate.help": "Shipping cost = great-circle distance × this rate × units.",
    "logistics.network.single": "Each store from one warehouse only (single sourcing)",
    "logistics.network.single.help": "Off: a store's demand may be split between warehouses (cheapest). On: each store "
                                     "gets all its goods from one warehouse (simpler operations, may cost more).",
    "logistics.metric.network_cost": "Network cost a week",
    "logistics.metric.network_cost.help": "Fixed costs of the open warehouses plus shipping, at the proven lowest "
                                          "cost.",
    "logistics.metric.open": "Warehouses open",
    "logistics.metric.open.help": "How many candidate warehouses the optimal plan keeps open.",
    "logistics.metric.shipping": "Shipping cost a week",
    "logistics.metric.shipping.help": "Units × cost per unit on every lane used.",
    "logistics.metric.per_unit": "Cost per unit delivered",
    "logistics.metric.per_unit.help": "Total weekly network cost divided by the units the stores need.",
    "logistics.network.optimal": "Proven optimal",
    "logistics.network.time_limit": "Best plan found in the time limit (within {gap:.2%} of optimal)",
    "logistics.network.solved": "{status} by HiGHS ({model}, {seconds:.2f} s).",
    "logistics.model.facility-location MILP": "facility-location MILP",
    "logistics.model.single-sourcing MILP": "single-sourcing MILP",
    "logistics.model.transportation LP": "transportation LP",
    "logistics.chart.map.title": "Optimal network",
    "logistics.chart.map.x": "Longitude (°)",
    "logistics.chart.map.y": "Latitude (°)",
    "logistics.chart.map.flows": "Flows",
    "logistics.chart.map.stores": "Stores (size = demand)",
    "logistics.chart.map.open": "Open warehouse",
    "logistics.chart.map.closed": "Closed warehouse",
    "logistics.network.map.caption": "Squares: warehouses (filled = open); circles: stores; lines: deliveries, thicker "
                                     "= more units. Hover for names and units. Distances are straight-line "
                                     "(great-circle).",
    "logistics.network.flows": "The plan: units a week on every lane used.",
    "logistics.network.sites": "Warehouses and stores in the plan",
    "logistics.what_if.heading": "What if…",
    "logistics.what_if.close": "Close warehouses",
    "logistics.what_if.close.placeholder": "Choose warehouses",
    "logistics.what_if.close.help": "These may not be used; the rest is re-optimised.",
    "logistics.what_if.capacity_of": "Change the capacity of",
    "logistics.what_if.none": "(none)",
    "logistics.what_if.capacity": "New capacity (units a week)",
    "logistics.what_if.demand": "Raise demand by (%)",
    "logistics.what_if.demand.help": "Every store's weekly demand changes by this much. It starts at the planned "
                                     "promotion's uplift in its busiest week.",
    "logistics.what_if.hint": "Close a warehouse, change a capacity or raise demand to compare with the plan above.",
    "logistics.metric.scenario_cost": "Scenario cost a week",
    "logistics.metric.scenario_cost.help": "Re-optimised cost of the scenario, and the difference from the base plan.",
    "logistics.metric.scenario_open": "Warehouses open in the scenario",
    "logistics.metric.scenario_open.help": "Open warehouses in the scenario against the base plan.",
    "logistics.metric.scenario_units": "Units a week",
    "logistics.metric.scenario_units.help": "Units shipped to the stores in the scenario.",
    "logistics.measure.fixed_cost": "Fixed cost",
    "logistics.measure.shipping_cost": "Shipping cost",
    "logistics.measure.total_cost": "Total cost",
    "logistics.measure.units_shipped": "Units shipped",
    "logistics.measure.warehouses_open": "Warehouses open",
    "logistics.what_if.table": "Base plan against the scenario, per week.",
    "logistics.what_if.changes": "Warehouses whose role changes.",
    "logistics.note.best": "Most accurate forecast model: {model}.",
    "logistics.saved_name": "Logistics plan",
    # the page's column headings
    "logistics.column.model": "Model",
    "logistics.column.mase": "MASE",
    "logistics.column.smape": "sMAPE (%)",
    "logistics.column.bias": "Bias (%)",
    "logistics.column.mase_vs_naive": "MASE vs seasonal naive",
    "logistics.column.beats_naive": "Beats seasonal naive (% of series)",
    "logistics.column.n_series": "Series",
    "logistics.column.n_forecasts": "Forecasts scored",
    "logistics.column.series": "Series",
    "logistics.column.name": "Name",
    "logistics.column.week": "Week",
    "logistics.column.baseline": "Without promotion",
    "logistics.column.forecast": "Forecast",
    "logistics.column.lower": "Low",
    "logistics.column.upper": "High",
    "logistics.column.uplift": "Uplift",
    "logistics.column.rmse": "RMSE (units a week)",
    "logistics.column.product_id": "Product",
    "logistics.column.product_name": "Name",
    "logistics.column.mean_weekly": "Units a week",
    "logistics.column.sd_weekly": "Forecast error a week (units)",
    "logistics.column.unit_cost": "Unit cost",
    "logistics.column.eoq": "Order quantity (EOQ)",
    "logistics.column.safety_stock": "Safety stock",
    "logistics.column.reorder_point": "Reorder point",
    "logistics.column.orders_per_year": "Orders a year",
    "logistics.column.holding_cost": "Holding cost a year",
    "logistics.column.ordering_cost": "Ordering cost a year",
    "logistics.column.total_cost": "Total cost a year",
    "logistics.column.expected_short_per_year": "Units short a year",
    "logistics.column.fill_rate": "Fill rate",
    "logistics.column.warehouse_id": "Warehouse id",
    "logistics.column.warehouse": "Warehouse",
    "logistics.column.store_id": "Store id",
    "logistics.column.store": "Store",
    "logistics.column.units": "Units a week",
    "logistics.column.cost_per_unit": "Cost per unit",
    "logistics.column.distance_km": "Distance (km)",
    "logistics.column.shipping_cost": "Shipping cost a week",
    "logistics.column.site_id": "Site id",
    "logistics.column.open": "Open",
    "logistics.column.capacity": "Capacity (units a week)",
    "logistics.column.shipped": "Shipped (units a week)",
    "logistics.column.utilisation": "Utilisation",
    "logistics.column.fixed_cost": "Fixed cost a week",
    "logistics.column.stores_served": "Stores served",
    "logistics.column.demand": "Demand (units a week)",
    "logistics.column.served_by": "Served by",
    "logistics.column.measure": "Measure",
    "logistics.column.base": "Base plan",
    "logistics.column.scenario": "Scenario",
    "logistics.column.difference": "Difference",
    "logistics.column.base_open": "Open in the plan",
    "logistics.column.scenario_open": "Open in the scenario",
    "logistics.column.base_units": "Units in the plan",
    "logistics.column.scenario_units": "Units in the scenario",
    # the report's forecast and network sections
    "report.forecast.name": "Demand forecast",
    "report.forecast.table": "Forecast",
    "report.forecast.backtest": "Backtest",
    "report.forecast.low": "low",
    "report.forecast.high": "high",
    "report.forecast.baseline": "Without a promotion",
    "report.forecast.naive_year": "repeating the same week of last year",
    "report.forecast.naive_week": "repeating last week",
    "report.forecast.best": "Most accurate in the backtest: {model} (typical error {smape:.1f}% of weekly units, "
                            "{ratio:.2f} times the error of {naive}). The next {horizon} weeks come from it, with an "
                            "{interval:.0%} interval.",
    "report.network.name": "Warehouse network",
    "report.network.title": "Cheapest network",
    "report.network.warehouses": "Warehouses",
    "report.network.flows": "Flows",
    "report.network.figure": "Network",
    "report.network.optimal": "proven optimal",
    "report.network.within": "within {gap:.2%} of optimal",
    "report.network.plan": "Open {open} of {all} warehouses: {opened:list}. Cost per period {total:money0} (fixed "
                           "{fixed:money0} + shipping {shipping:money0}), {status} ({model}, HiGHS).",
    "report.network.rate": "Shipping cost = straight-line (great-circle) distance × {currency}{rate:g} per unit per km; "
                           "change the rate, close a warehouse or force single sourcing on the Logistics page.",
    # (end of logistics)

    # --- recommendations -----------------------------------------------------------------
    "recommend.error.missing_columns": "Recommendations need the column(s) {columns:list}. Map them on the Data page.",
    "recommend.error.value": "Interactions count 'purchases' or 'quantity', not {value!r}.",
    "recommend.error.no_customers": "No sale line has a customer id, so there is nobody to recommend to. Map the "
                                    "customer column on the Data page (guest orders cannot get personal "
                                    "recommendations).",
    "recommend.error.half_life": "The recency half-life must be a positive number of days.",
    "recommend.error.all_returned": "Every purchase was returned: there is nothing to learn from. Check the quantity "
                                    "column.",
    "recommend.error.catalogue_no_product_id": "The products table needs a product_id column to join the sales.",
    "recommend.error.not_interactions": "Fit a recommender on recommend.interactions_from(transactions).",
    "recommend.error.not_fitted": "Fit the recommender before asking it for recommendations.",
    "recommend.error.k": "The number of recommendations must be a whole number of at least 1, not {k!r}.",
    "recommend.error.weighting": "Item similarity weighting must be 'bm25', 'tfidf' or 'none', not {weighting!r}.",
    "recommend.error.no_product_text": "The products have no names, categories or descriptions to compare. Upload a "
                                       "products table with product_name, category or description.",
    "recommend.error.one_day": "The data covers a single day, so there is no earlier period to learn from "
                               "and no later one to check against: the evaluation needs purchases on at least two days.",
    "recommend.error.nothing_before": "No customer bought anything before {cut:date}: pick a later cut date.",
    "recommend.error.nothing_after": "Nothing was bought on or after {cut:date}: pick an earlier cut date so there "
                                     "is something to check the recommendations against.",
    "recommend.error.no_models": "Pick at least one model to evaluate.",
    "recommend.error.no_baseline": "The comparison needs the best-seller model (Popularity) as its baseline.",
    "recommend.error.baseline_missing": "The baseline model {baseline!r} is not among the models evaluated.",
    "recommend.error.nothing_new": "No customer bought anything new after the cut date, so there is nothing to "
                                   "check the recommendations against. Pick an earlier cut date, or include "
                                   "already-bought products.",
    "recommend.error.products_unreadable": "{name} could not be read as a products table. Upload a CSV or .xlsx "
                                           "file.",
    "recommend.error.products_no_product_id": "{name} has no product_id column (its columns are: {columns:list}). "
                                              "The products table needs product_id and any of product_name, "
                                              "category, description.",
    "recommend.reason.best_seller": "best-seller",
    "recommend.reason.buy_again": "bought before: buy again",
    "recommend.reason.bought_with": "bought with {product}",
    "recommend.reason.similar_to": "similar to {product}",
    "recommend.reason.segment": "popular in your segment ({segment})",
    "recommend.reason.new_product": "new to the range, similar to {product}",
    "recommend.reason.new_customer": "best-seller (no purchase history yet)",
    "recommend.verdict.beats": "Use {best}: its top-{k} lists scored {lift:pct0} higher NDCG@{k} than simply showing "
                               "best-sellers ({ndcg:.3f} vs {base_ndcg:.3f}; 95% interval of the gain {low:pct0} "
                               "to {high:pct0}) on {customers:num} customers' real purchases after the cut date.",
    "recommend.verdict.no_winner": "No model clearly beats simply showing best-sellers on this data, so use the "
                                   "best-seller list ({baseline}): it is as good, simpler and easy to explain.",
    "recommend.verdict.runner_up": "{verdict} The best alternative, {runner}, scored NDCG@{k} {ndcg:.3f} against "
                                   "{base_ndcg:.3f} ({lift:pct0}; 95% interval {low:pct0} to {high:pct0}).",
    "recommend.map_definition": "MAP@k is the mean over customers of AP@k = (1 / min(k, R)) × Σ (precision at rank "
                                "i, for each rank i ≤ k that holds a product the customer bought), where R is the "
                                "number of different products the customer bought after the cut date. Dividing by "
                                "min(k, R) lets a perfect list score 1 even when R > k; the other definition in use "
                                "divides by R and so caps such customers below 1.",
    "basket.error.by": "Baskets can be built by 'order' or 'customer_date', not {by!r}.",
    "basket.error.missing_columns": "Building baskets needs the column(s) {columns:list}. Map them on the Data page.",
    "basket.error.no_purchases": "There are no purchase lines to build baskets from (every line is a return or has "
                                 "no product). Check the quantity and product columns.",
    "basket.error.not_baskets": "Pass baskets made by basket.baskets_from(transactions), or a list of item lists.",
    "basket.error.empty": "There are no baskets with products in them.",
    "basket.error.share_not_number": "{what} must be a number between 0 and 1, not {value!r}.",
    "basket.error.share_range": "{what} must be between 0 and at most 1 (it is a share of baskets); got {value}.",
    "basket.error.share_range_positive": "{what} must be above 0 and at most 1 (it is a share of baskets); got "
                                         "{value}.",
    "basket.share.min_support": "The minimum support",
    "basket.share.min_confidence": "The minimum confidence",
    "basket.error.too_many_candidates": "The minimum support is too low for this data: it would test {total:,} "
                                        "product combinations of {size}. Raise the minimum support (or limit the "
                                        "rule length).",
    "basket.explanation": "{confidence:pct0} of baskets with {product} also hold {other} ({lift:.1f}× as often as "
                          "baskets overall).",

    "recommendations.title": "Recommendations",
    "recommendations.lead": "For every customer, the next products to show in an e-mail or the app, with a reason "
                            "you can check; for every product, what sells with it; and a fair test, on your own "
                            "sales, of whether the recommendations beat simply showing best-sellers.",
    "recommendations.no_customers": "This data has no customer ids, so there is nobody to personalise for. Basket "
                                    "rules below still work; map a customer column on the Data page for personal "
                                    "recommendations.",
    "recommendations.step.split": "Splitting the purchases at the cut date…",
    "recommendations.step.segments": "Scoring customers into segments…",
    "recommendations.step.evaluate": "Fitting and testing {model} ({done}/{total})…",
    "recommendations.step.fit": "Fitting {model} on all purchases…",
    "recommendations.step.baskets": "Building baskets…",
    "recommendations.step.rules": "Mining product combinations…",
    "recommendations.model.popularity": "Best-sellers",
    "recommendations.model.segment": "Best-sellers in segment",
    "recommendations.model.knn": "Bought together (item kNN)",
    "recommendations.model.als": "Hidden tastes (ALS)",
    "recommendations.model.content": "Similar products (content)",
    "recommendations.model.hybrid": "Hybrid",
    "recommendations.model_short.popularity": "Best-sellers",
    "recommendations.model_short.segment": "Segment best-sellers",
    "recommendations.model_short.knn": "Item kNN",
    "recommendations.model_short.als": "ALS",
    "recommendations.model_short.content": "Content",
    "recommendations.model_short.hybrid": "Hybrid",
    "recommendations.model_help.popularity": "The products most customers bought. The baseline every other model "
                                             "must beat.",
    "recommendations.model_help.segment": "The best-sellers among customers of the same RFM segment.",
    "recommendations.model_help.knn": "Products bought by the same customers as what this customer bought.",
    "recommendations.model_help.als": "Matrix factorisation: finds hidden tastes shared by groups of customers.",
    "recommendations.model_help.content": "Products whose name, category and description resemble what the customer "
                                          "bought; also reaches products nobody has bought yet.",
    "recommendations.model_help.hybrid": "A weighted blend of item kNN, ALS, content and best-sellers in the "
                                         "customer’s segment.",
    "recommendations.settings": "Settings",
    "recommendations.k": "Products per customer",
    "recommendations.k.help": "How many products each list holds (the k in precision@k, NDCG@k …).",
    "recommendations.include": "Include products already bought",
    "recommendations.include.help": "On for repeat purchases (groceries, consumables); off for things people buy "
                                    "once (gifts, electronics). The evaluation follows this choice.",
    "recommendations.half_life": "Recency half-life",
    "recommendations.half_life.none": "No decay",
    "recommendations.half_life.days": "{days} days",
    "recommendations.half_life.help": "A purchase this many days old counts half as much as one today.",
    "recommendations.cut": "Evaluation cut date",
    "recommendations.cut.help": "Models learn from purchases before this day and are checked against what "
                                "customers bought from this day on. With more than {customers:,} customers, they "
                                "learn from {customers:,} of them: the customers checked and others drawn at random.",
    "recommendations.weighting": "Item kNN weighting",
    "recommendations.weighting.help": "How purchases are weighted before products are compared: both make "
                                      "best-sellers count less, BM25 also damps very heavy buyers.",
    "recommendations.products_upload": "Products table (optional)",
    "recommendations.products_upload.help": "Columns: product_id (required), product_name, category, description. "
                                            "It lets the content model recommend products nobody has bought yet.",
    "recommendations.metric.customers": "Customers evaluated",
    "recommendations.metric.customers.help": "Customers who bought before the cut date and bought something new "
                                             "after it; their later purchases are the test.",
    "recommendations.metric.lift": "Lift over popularity",
    "recommendations.metric.lift.help": "How much higher the best model's NDCG@{k} is than the best-seller list's. "
                                        "NDCG rewards lists that put what customers went on to buy near the top.",
    "recommendations.metric.ndcg": "NDCG@{k}",
    "recommendations.metric.ndcg.help": "Best model's NDCG (0 to 1); the change is against the best-seller list.",
    "recommendations.metric.model": "Recommended model",
    "recommendations.metric.model.help": "The honest choice: a personalised model only when it clearly beats "
                                         "best-sellers (at least 10% higher NDCG, with the 95% interval of the gain "
                                         "above zero).",
    "recommendations.customer.heading": "Recommendations for a customer",
    "recommendations.customer.model": "Model",
    "recommendations.customer.customer": "Customer",
    "recommendations.customer.option": "{customer} ({products} products bought)",
    "recommendations.customer.customer.help": "The customers with the longest history, longest first.",
    "recommendations.customer.typed": "Or type a customer id",
    "recommendations.customer.typed.help": "Any customer's list, whether or not they are in the list above; a "
                                           "customer without purchases gets the best-sellers.",
    "recommendations.customer.caption": "Score: the model's own scale; higher means a stronger match. Why: the "
                                        "purchase or group that led to the suggestion.",
    "recommendations.customer.history_caption": "What this customer bought most (returns netted, decay applied).",
    "recommendations.column.rank": "Rank",
    "recommendations.column.product_id": "Product",
    "recommendations.column.product_name": "Name",
    "recommendations.column.score": "Score",
    "recommendations.column.reason": "Why",
    "recommendations.column.bought_before": "Bought before",
    "recommendations.column.purchases": "Purchases",
    "recommendations.column.bought_with": "Bought with it",
    "recommendations.column.in_words": "In words",
    "recommendations.column.antecedents": "If a basket holds",
    "recommendations.column.consequents": "it also holds",
    "recommendations.column.antecedent_support": "Antecedent support",
    "recommendations.column.consequent_support": "Consequent support",
    "recommendations.column.count": "Baskets",
    "recommendations.column.ndcg_lift": "NDCG lift over best-sellers",
    "recommendations.column.lift_low": "Lift, 95% low",
    "recommendations.column.lift_high": "Lift, 95% high",
    "recommendations.column.fit_seconds": "Seconds to fit and rank",
    "recommendations.rules.heading": "Frequently bought together",
    "recommendations.rules.by": "A basket is",
    "recommendations.rules.by.order": "one order",
    "recommendations.rules.by.customer_date": "one customer on one day",
    "recommendations.rules.by.help": "Till data without order numbers (such as the Groceries data) groups a "
                                     "customer's lines of one day.",
    "recommendations.rules.support": "Minimum support",
    "recommendations.rules.support.placeholder": "automatic",
    "recommendations.rules.support.help": "Smallest share of baskets a product combination must appear in. Leave it "
                                          "empty for about 20 baskets' worth.",
    "recommendations.rules.support.auto": "Minimum support {support:.4f} (chosen automatically: about 20 of your "
                                          "{n:,} baskets).",
    "recommendations.rules.confidence": "Minimum confidence",
    "recommendations.rules.confidence.help": "Of the baskets with the first product, the share that must also hold "
                                             "the second.",
    "recommendations.metric.baskets": "Baskets",
    "recommendations.metric.baskets.help": "Baskets the rules are mined from (returns left out).",
    "recommendations.metric.strong": "Rules with lift above 1",
    "recommendations.metric.strong.help": "Rules where the second product is likelier when the first is in the "
                                          "basket.",
    "recommendations.metric.strongest": "Strongest lift",
    "recommendations.metric.strongest.value": "{lift:.1f}×",
    "recommendations.metric.strongest.help": "How many times likelier the second product is, for the strongest rule.",
    "recommendations.rules.none": "No products are bought together more often than chance at this minimum support. "
                                  "Lower the minimum support, or check that baskets hold more than one product.",
    "recommendations.rules.product": "Product",
    "recommendations.rules.product.option": "{name} ({product})",
    "recommendations.rules.product.help": "Products with at least one rule, the most strongly linked first.",
    "recommendations.rules.bought_with_caption": "Confidence: share of baskets with the product that also hold the "
                                                 "other. Lift: how many times likelier than in baskets overall (1 = "
                                                 "no link).",
    "recommendations.rules.table_caption": "The {shown:,} strongest of {total:,} rules by lift; the download holds "
                                           "them all.",
    "recommendations.rules.download_all": "Download all rules (CSV)",
    "recommendations.comparison.heading": "Which model works best on your data",
    "recommendations.comparison.caption": "Models learnt from purchases before {cut:%d %b %Y} and were checked "
                                          "against what {customers:,} customers bought from then on{excluded}. "
                                          "{new:,} customers who first bought after the cut cannot be evaluated "
                                          "(they get best-sellers). Precision: share of the list they bought. "
                                          "Recall: share of what they bought that was on the list. NDCG: like "
                                          "recall, but hits near the top count more. Hit rate: customers with at "
                                          "least one hit. Coverage: share of the catalogue recommended to somebody.",
    "recommendations.comparison.excluded": " (products they had bought before are left out of lists and test)",
    "recommendations.metric_name.precision": "Precision@{k}",
    "recommendations.metric_name.recall": "Recall@{k}",
    "recommendations.metric_name.ndcg": "NDCG@{k}",
    "recommendations.metric_name.map": "MAP@{k}",
    "recommendations.metric_name.hit_rate": "Hit rate@{k}",
    "recommendations.metric_name.coverage": "Coverage",
    "recommendations.export.heading": "Export",
    "recommendations.export.caption": "{model}: {k} products (customer_id, rank, product_id, product_name, score, "
                                      "reason) for each of {customers:,} customers, ready for an e-mail or app "
                                      "campaign.",
    "recommendations.export.download": "Download recommendations for every customer (CSV)",
    "recommendations.saved_name": "Recommendations",
    "chart.model_comparison.title": "Model quality on purchases after the cut date",
    "chart.model_comparison.y": "Score (0 to 1, higher is better)",
    "chart.bought_with_bars.title": "Bought with {product}",
    "chart.bought_with_bars.x": "Share of its baskets (%)",
    "chart.rules_heatmap.title": "Lift between the most strongly linked products",
    "chart.rules_heatmap.x": "…brings along this product",
    "chart.rules_heatmap.y": "Basket holds this product…",
    "chart.rules_heatmap.hover": "lift",
    "report.basket.name": "Frequently bought together",
    "report.basket.if": "if a basket holds",
    "report.basket.then": "it also holds",
    "report.basket.summary": "{baskets:,} baskets (one per order); rules kept when both sides appear together in at "
                             "least {support:pct1} of baskets and in at least {min_baskets} baskets: {rules:,} rules "
                             "with lift above 1.",
    "report.basket.terms": "Lift: how many times likelier the second product is when the first is in the basket (1 = "
                           "no link). Confidence: of the baskets with the first, the share that also hold the second.",
    "report.basket.none": "No products are bought together more often than chance at this support: baskets are small "
                          "or varied. Recommend best-sellers rather than pairs.",
    "report.basket.strongest": "Strongest pair: {first} → {second}: {confidence:pct0} of baskets with the first also "
                               "hold the second, {lift:.1f} times the usual rate.",
    "report.basket.once": "Each set of products is listed once, in its strongest direction (highest lift, then "
                          "confidence).",
    "report.basket.figure": "Strongest rules",
    "report.basket.table": "Basket rules",
    "chart.rule_lift_bars.title": "Frequently bought together: strongest rules",
    "chart.rule_lift_bars.x": "Lift (times the usual rate)",
    "report.recommendations.name": "Recommendations against best-sellers",
    "report.recommendations.table": "Model comparison",
    "report.recommendations.how": "Models learned from purchases before {cut:date}; each of {customers:,} customers "
                                  "got a top-{k} list of products new to them, scored against what they really "
                                  "bought afterwards. NDCG@{k}: how high those products sit in the list (1 = at the "
                                  "top); hit rate: share of customers with at least one of them in their list.",
    "report.recommendations.chart_title": "Recommendation quality on purchases after the cut date",
    "report.recommendations.chart_y": "Score (0 to 1, higher is better)",
    # (end of recommendations)

    # --- recommendations-browsing ----------------------------------------------------------
    "recommend.browsing.error.weights": "Browsing weights must be numbers of 0 or more, one per kind of event (view, "
                                        "add_to_cart); got {weights}.",
    "recommend.browsing.error.missing_columns": "Using browsing for recommendations needs the events column(s) "
                                                "{columns:list}. Map them on the Data page.",
    "recommend.browsing.error.none_before": "No view or cart add by a customer who bought before {cut:date} comes "
                                            "before that day, so there is no browsing to learn from before the cut. "
                                            "Pick a later cut date (after your browsing data starts).",
    "recommend.browsing.error.no_personal_model": "Browsing can only change personal recommendations (item kNN, "
                                                  "ALS, content or hybrid): compare at least one of them.",
    "recommend.browsing.verdict.helps": "Browsing helps: when {model} also learns from views and cart adds, its "
                                        "top-{k} lists score NDCG@{k} {ndcg_with:.3f} against "
                                        "{ndcg_without:.3f} from purchases alone (a gain of {gain:+.3f}; 95% "
                                        "interval {low:+.3f} to {high:+.3f}) on the later purchases of "
                                        "{customers:num} customers, {browsed:num} of whom had browsed before the "
                                        "cut date.",
    "recommend.browsing.verdict.no_help": "Browsing does not measurably help on this data: when {model} also learns "
                                          "from views and cart adds, it scores NDCG@{k} {ndcg_with:.3f} "
                                          "against {ndcg_without:.3f} from purchases alone (gain {gain:+.3f}; the "
                                          "95% interval {low:+.3f} to {high:+.3f} includes zero) on the later "
                                          "purchases of {customers:num} customers, {browsed:num} of whom had "
                                          "browsed before the cut date. Recommending from purchases alone is as "
                                          "good.",
    "recommend.browsing.verdict.hurts": "Browsing makes the lists worse on this data: when {model} also learns from "
                                        "views and cart adds, it scores NDCG@{k} {ndcg_with:.3f} against "
                                        "{ndcg_without:.3f} from purchases alone (gain {gain:+.3f}; 95% interval "
                                        "{low:+.3f} to {high:+.3f}) on the later purchases of {customers:num} "
                                        "customers. Leave browsing off: what people look at here says little "
                                        "about what they buy.",
    "recommendations.step.browsing": "Testing whether browsing helps: fitting the best model with and without "
                                     "views and cart adds…",
    "recommendations.step.browsing_fit": "Adding views and cart adds to the purchases…",
    "recommendations.browsing.toggle": "Use browsing and cart adds",
    "recommendations.browsing.toggle.help": "Your data has browsing events. When on, what customers viewed and put "
                                            "in their cart counts beside what they bought (a cart add counts "
                                            "{cart} of a purchase, a view {view}), and the test below says whether "
                                            "that makes the lists better. Products only viewed are still "
                                            "recommended; only products already bought are left out.",
    "recommendations.browsing.cut_note": "Browsing is on: the cut date starts inside your browsing data, so that "
                                         "the models can learn from browsing before it.",
    "recommendations.browsing.comparison_note": "Browsing is on: every model below learnt from views and cart "
                                                "adds as well as purchases before the cut date.",
    "recommendations.browsing.heading": "Does browsing help?",
    "recommendations.browsing.lead": "The same model fitted twice on the history before the cut date: once on "
                                     "purchases alone, once on purchases plus views and cart adds; both checked "
                                     "on what the same customers bought afterwards.",
    "recommendations.browsing.metric.gain": "NDCG@{k} gain from browsing",
    "recommendations.browsing.metric.gain.help": "NDCG@{k} with browsing minus without, on the same customers. "
                                                 "Above zero: lists that learn from browsing put what customers "
                                                 "went on to buy higher. The interval below it is the range the "
                                                 "gain would likely fall in with other customers (95%).",
    "recommendations.browsing.metric.interval": "95% interval {low:+.3f} to {high:+.3f}",
    "recommendations.browsing.metric.browsed": "Customers who browsed",
    "recommendations.browsing.metric.browsed.help": "Of the customers checked, those with at least one view or "
                                                    "cart add before the cut date: only their lists can change.",
    "recommendations.browsing.metric.browsed_gain": "Gain among those who browsed",
    "recommendations.browsing.metric.browsed_gain.help": "The NDCG@{k} gain counted over the customers who browsed "
                                                         "before the cut date only.",
    "recommendations.browsing.caption": "Model compared: {model}. A purchase counts 1, a cart add {cart}, a view "
                                        "{view}; {events:num} customer-product pairs gained browsing before "
                                        "{cut:date}. Products bought before the cut are never counted as hits; "
                                        "products only viewed are.",
    "recommendations.browsing.feedback.purchases": "Purchases alone",
    "recommendations.browsing.feedback.browsing": "Purchases + views and cart adds",
    "recommendations.column.feedback": "Learnt from",
    "recommendations.column.ndcg_low": "NDCG (low)",
    "recommendations.column.ndcg_high": "NDCG (high)",
    "report.recommendations.browsing_table": "Purchases alone against purchases with browsing",
    # (end of recommendations-browsing)

    # --- voice ----------------------------------------------------------------------------
    "app.page.voice": "Voice of the customer",
    "voice.title": "Voice of the customer",
    "voice.lead": "What reviews and social posts say about your products, in English and Chinese: how customers "
                  "feel (sentiment), what they talk about (price, quality, delivery …), which products they are "
                  "unhappy with and why, in their own words.",
    "voice.data.heading": "Texts to read",
    "voice.data.where": "Which texts?",
    "voice.data.where.help": "The reviews and posts stored with the dataset (when it has them; otherwise demo "
                             "reviews written for its products), or a file of reviews or social posts you upload "
                             "(CSV or Excel).",
    "voice.data.source.demo": "Demo reviews",
    "voice.data.source.dataset": "The dataset's reviews",
    "voice.data.dataset": "The {rows:,} reviews and posts stored with the dataset “{name}”. E-mail addresses, phone "
                          "numbers and street addresses in them are hidden ([e-mail], [phone], [address]) before they "
                          "are read, as in the report: quotes are shown and passed around.",
    "voice.data.source.upload": "Upload a file",
    "voice.data.upload": "Reviews or posts (CSV, Excel)",
    "voice.data.upload.lead": "One row per text. Columns recognised by their English or Chinese header: the text "
                              "(review, comment, 评价内容 …), its date, and optionally product_id (to join your sales), "
                              "rating (stars), customer_id and source.",
    "voice.data.read": "Read {rows:,} line(s) of {file}.",
    "voice.data.unreadable": " {rows:,} line(s) could not be read at all; they are listed in the file below.",
    "voice.data.pick": "Upload a file of reviews or posts, or choose the demo reviews.",
    "voice.data.demo": "These are demo reviews written for the demo retailer's products, in English and Chinese, "
                       "with some products given a problem (one aspect turning bad part-way through) for the page "
                       "to find.",
    "voice.data.columns": "Columns used: {columns}.",
    "voice.data.column": "{role} ← “{header}”",
    "voice.role.text": "text",
    "voice.role.date": "date",
    "voice.role.product_id": "product",
    "voice.role.rating": "rating",
    "voice.role.customer_id": "customer",
    "voice.role.source": "source",
    "voice.role.category": "category",
    "voice.settings.heading": "Settings",
    "voice.settings.model": "Sentiment from",
    "voice.settings.model.help": "Automatic: where the texts carry star ratings, a classifier is trained on them "
                                 "and used when it labels texts it never saw more accurately than the libraries "
                                 "(VADER for English, SnowNLP for Chinese); otherwise the libraries.",
    "voice.model.auto": "automatic (the more accurate)",
    "voice.model.library": "the libraries (VADER, SnowNLP)",
    "voice.model.classifier": "a classifier trained on the ratings",
    "voice.settings.lags": "Weeks of lag to compare with sales",
    "voice.settings.lags.help": "Sentiment of one week is compared with sales up to this many weeks before and after.",
    "voice.settings.sentences": "Sentences per product summary",
    "voice.step.reading": "Reading the texts …",
    "voice.step.scoring": "Scoring the sentiment and aspects of {texts:,} texts …",
    "voice.step.ratings": "Training a classifier on the ratings and checking it on texts it never saw …",
    "voice.step.products": "Summing up per product, category and week …",
    "voice.step.summaries": "Picking each product's most representative sentences …",
    "voice.step.sales": "Comparing weekly sentiment with weekly sales …",
    "voice.metric.texts": "Texts",
    "voice.metric.texts.help": "Texts read ({en:,} English, {zh:,} Chinese, {mixed:,} mixed), told apart by their "
                               "script.",
    "voice.metric.positive": "Positive",
    "voice.metric.positive.help": "Share of texts whose sentiment is positive.",
    "voice.metric.negative": "Negative",
    "voice.metric.negative.help": "Share of texts whose sentiment is negative: the ones to read first.",
    "voice.metric.score": "Mean sentiment",
    "voice.metric.score.help": "Average sentiment score, from −1 (all very negative) to +1 (all very positive); "
                               "around 0 is neutral or mixed.",
    "voice.tab.overview": "Overview",
    "voice.tab.products": "Products",
    "voice.tab.categories": "Categories",
    "voice.tab.model": "How reliable",
    "voice.tab.sales": "Sentiment and sales",
    "voice.tab.texts": "All texts",
    "voice.overview.weekly": "Sentiment week by week: a dip is worth reading about in the Products tab.",
    "voice.overview.no_dates": "The texts have no dates, so sentiment cannot be shown over time.",
    "voice.overview.aspects": "What customers talk about, and how often they are unhappy about it. The quote is "
                              "the most negative text naming the aspect.",
    "voice.products.lead": "Products ranked by how surely customers dislike them (the lower end of the 95% "
                           "interval of their share of negative texts, so two bad reviews of two do not outrank "
                           "thirty of sixty).",
    "voice.products.none": "The texts name no product (no product_id column), so there is no per-product view.",
    "voice.products.pick": "Look at one product",
    "voice.products.detail": "{name}: {texts:,} texts, {negative:pct0} negative.",
    "voice.products.summary": "What customers say most (the most representative sentences):",
    "voice.products.negative_aspects": "What its negative texts are about:",
    "voice.products.no_negative": "No negative text about this product.",
    "voice.categories.lead": "The same per category (from the texts, or from your sales where product ids match).",
    "voice.categories.pick": "Look at one category over time",
    "voice.categories.none": "No category is known for the texts: add a category column, or product ids that match "
                             "your sales.",
    "voice.model.lead": "How well each way of reading sentiment labels texts it never saw, judged against the "
                        "customers' own star ratings (4–5 stars positive, 3 neutral, 1–2 negative), by {folds}-fold "
                        "cross-validation on {texts:,} distinct rated texts.",
    "voice.model.used.classifier": "The page uses the classifier trained on your ratings: it was more accurate "
                                   "on held-out texts ({accuracy:pct0} against {library:pct0} for the libraries).",
    "voice.model.used.library": "The page uses the libraries (VADER, SnowNLP): a classifier trained on your "
                                "ratings was not more accurate on held-out texts ({accuracy:pct0} against "
                                "{library:pct0}).",
    "voice.model.forced.classifier": "The page uses the classifier trained on your ratings, as set.",
    "voice.model.forced.library": "The page uses the libraries, as set.",
    "voice.model.none": "The texts carry no star ratings, so sentiment comes from the libraries (VADER for "
                        "English, SnowNLP for Chinese), and their accuracy on your texts cannot be checked here.",
    "voice.model.explain": "Accuracy: the share of texts labelled as their rating says. F1: the balance of "
                           "precision and recall averaged over the labels, which penalises a method that never "
                           "says “neutral” or “negative”. The line “always the most common label” is what "
                           "guessing gives: a method must beat it to be worth anything.",
    "voice.method.classifier": "classifier trained on your ratings",
    "voice.method.library": "libraries (VADER / SnowNLP)",
    "voice.method.majority": "always the most common label",
    "voice.sales.lead": "Does sentiment move with sales? Each bar pairs a week's average sentiment of a product "
                        "with its units sold that many weeks later (negative: weeks before), both measured "
                        "against the product's own average and that week's average over all products, over "
                        "{products:,} products with texts in at least {weeks} weeks.",
    "voice.sales.caveat": "A correlation is not a cause: a promotion can raise both sales and happy reviews, and "
                          "a busy week brings both more buyers and more reviewers. Bars inside ±{band:.2f} are "
                          "what chance alone gives (allowing for every lag tried).",
    "voice.sales.verdict.none": "No clear relation: every lag lies within what chance gives.",
    "voice.sales.verdict.some": "Strongest relation at a lag of {lag} week(s): correlation {r:.2f}.",
    "voice.texts.lead": "Every text with its language, sentiment and aspects.",
    "voice.texts.quarantine": "Rows left out, with the reason:",
    "voice.note.labels_classifier": "Sentiment labels come from a classifier trained on the texts' own star "
                                    "ratings.",
    "voice.note.labels_library": "Sentiment labels come from VADER (English) and SnowNLP (Chinese).",
    "voice.note.quarantine": "{rows:,} row(s) have no text and are left out (listed in the All texts tab).",
    "voice.note.bad_dates": "{rows:,} date(s) could not be read; those texts are kept but not shown over time.",
    "voice.note.bad_ratings": "{rows:,} rating(s) could not be read as a number; those texts are kept unrated.",
    "voice.note.no_dates": "No date column was found, so nothing is shown over time.",
    "voice.note.no_products": "No product column was found, so nothing is shown per product.",
    "voice.note.conflicting": "{texts:,} identical text(s) carry ratings that disagree; they are left out of the "
                              "accuracy check.",
    "voice.quarantine.no_text": "no text in this row",
    "voice.error.lang": "Unknown text language {lang!r}: use one of {langs:list}.",
    "voice.error.lengths": "There are {texts:,} texts but {labels:,} labels: give one label per text.",
    "voice.error.one_label": "Every text has the same label, so there is nothing to learn: a classifier needs at "
                             "least two labels.",
    "voice.error.too_few_labelled": "Only {texts:,} distinct labelled texts: too few to check a classifier with "
                                    "{folds} folds (each label needs at least {folds}).",
    "voice.error.no_text_column": "No column holds text. The file's columns are {columns:list}; name the text column "
                                  "e.g. “review” or “评价内容”.",
    "voice.error.model": "Unknown sentiment model {model!r}: use one of {models:list}.",
    "voice.error.no_texts": "There are no texts to read: upload a file of reviews or posts.",
    "voice.error.no_rows": "Not one row has text ({rows:,} empty row(s)). Check that the file holds the texts.",
    "voice.error.few_ratings": "Only {rated:,} texts carry a star rating; a classifier needs at least {needed:,} "
                               "to be trained and checked, so the libraries are used.",
    "voice.error.no_sentences": "The texts have no sentences to summarise.",
    "voice.error.no_match": "No product of the texts appears in the sales (or the texts have no dates), so "
                            "sentiment cannot be compared with sales. Check that product ids are written the same "
                            "way in both.",
    "voice.error.few_weeks": "No product has texts in at least {weeks} different weeks: too few to compare "
                             "sentiment with sales week by week.",
    "voice.saved_name": "Voice of the customer ({texts:,} texts)",
    "voice.table.products": "Products",
    "voice.table.categories": "Categories",
    "voice.table.aspects": "Aspects",
    "voice.table.model": "Sentiment accuracy",
    "voice.table.sales": "Sentiment and sales",
    "voice.figure.weekly": "Sentiment per week",
    "voice.figure.aspects": "Aspects in negative texts",
    "voice.figure.sales": "Sentiment and sales",
    "chart.voice_weekly.title": "Average sentiment per week",
    "chart.voice_weekly.x": "Week",
    "chart.voice_weekly.y": "Average sentiment (−1 to +1)",
    "chart.voice_product_weekly.title": "Average sentiment per week: {name}",
    "chart.voice_aspects.title": "Negative texts per aspect",
    "chart.voice_aspects.x": "Negative texts (count)",
    "chart.voice_lags.title": "Correlation of weekly sentiment with units sold, by lag",
    "chart.voice_lags.x": "Correlation (−1 to +1)",
    "voice.sales.lag": "{lag:+d} week(s)",
    "aspect.price": "price",
    "aspect.quality": "quality",
    "aspect.taste": "taste / freshness",
    "aspect.delivery": "delivery",
    "aspect.service": "service",
    "aspect.size_fit": "size / fit",
    "aspect.packaging": "packaging",
    "sentiment.positive": "positive",
    "sentiment.neutral": "neutral",
    "sentiment.negative": "negative",
    "text_lang.en": "English",
    "text_lang.zh": "Chinese",
    "text_lang.mixed": "mixed",
    "column.texts": "Texts",
    "column.mean_score": "Mean sentiment",
    "column.share_positive": "Positive",
    "column.share_negative": "Negative",
    "column.share_negative_low": "Negative (at least, 95%)",
    "column.top_negative_aspect": "Top complaint",
    "column.negative_mentions": "Complaints about it",
    "column.quote": "Example",
    "column.aspect": "Aspect",
    "column.share_of_texts": "Share of texts",
    "column.negative_texts": "Negative texts",
    "column.share_of_negative": "Share of its negative texts",
    "column.summary": "What customers say",
    "column.lag": "Lag (weeks)",
    "column.pairs": "Product-weeks",
    "column.chance_band": "Chance band (±)",
    "column.text": "Text",
    "column.date": "Date",
    "column.rating": "Rating",
    "column.lang": "Language",
    "column.label": "Sentiment",
    "column.score": "Score",
    "column.library_label": "Library sentiment",
    "column.library_score": "Library score",
    "column.aspects": "Aspects",
    "column.source": "Source",
    "column.method": "Method",
    "column.accuracy": "Accuracy",
    "column.f1": "F1",
    "column.row": "Row",
    "voice.overview.new_words": "Other words that set negative texts apart, which no aspect covers yet: what "
                                "else customers complain about (the more distinctive, the higher z).",
    "column.word": "Word",
    "column.z": "How distinctive (z)",
    "reports.page.voice": "Voice of the customer",
    # the voice section of the standard report (report.voice_analysis)
    "reports.step.voice": "Voice of the customer",
    "reports.table.reviews": "reviews",
    "report.voice.name": "Voice of the customer",
    "report.voice.headline": "{texts:,} reviews and posts ({en:,} English, {zh:,} Chinese, {mixed:,} mixed): "
                             "{positive:pct0} positive, {negative:pct0} negative; mean sentiment {score:.2f} (from "
                             "−1, all very negative, to +1).",
    "report.voice.product": "{name} ({product}): {negative:pct0} of {texts:,} texts negative; the complaints name "
                            "{aspect} most ({mentions:,} texts), for example: “{quote}”",
    "report.voice.product_no_aspect": "{name} ({product}): {negative:pct0} of {texts:,} texts negative; the "
                                      "complaints name no aspect in particular.",
    "report.voice.part_failed": "Left out of this section: {reason}",
    "report.voice.model.classifier": "Sentiment from a classifier trained on the texts' star ratings: it was more "
                                     "accurate on held-out texts ({accuracy:pct0} against {library:pct0} for the "
                                     "libraries).",
    "report.voice.model.library": "Sentiment from the libraries (VADER, SnowNLP): a classifier trained on the "
                                  "ratings was not more accurate on held-out texts ({accuracy:pct0} against "
                                  "{library:pct0}).",
    "report.voice.none_disliked": "No product is clearly more disliked than the rest: none has a share of "
                                  "negative texts surely above the shop's {negative:pct0}.",
    # (end of voice)

    # --- retention ----------------------------------------------------------------------
    "retention.step.churn": "Estimating each customer's churn risk…",
    "retention.step.value": "Estimating lifetime value for the value at risk…",
    "retention.step.segments": "Scoring segments…",
    "retention.step.cohorts": "Building the cohort table…",
    "retention.error.horizon": "The churn window must be at least {least} days (it is {days}).",
    "retention.error.period": "The cohort period must be one of {allowed:list} (it is “{period}”).",
    "retention.error.no_purchases": "No customer has a purchase (only returns or guest lines), so there are no "
                                    "cohorts to follow.",
    "retention.error.classifier": "The behaviour model was not trained: it needs at least 50 customers in the "
                                  "training window, some who bought again and some who did not ({customers:,} "
                                  "customers). The buy-till-you-die model scores the customers alone.",
    "retention.note.no_holdout": "The data covers {days:,} days; checking the churn models on past data needs "
                                 "{needed:,} (twice the {horizon}-day window plus 60 days). The buy-till-you-die "
                                 "model scores the customers without that check: choose a shorter churn window to "
                                 "get it.",
    "retention.note.verdict": "Churn risk comes from the {route} route. Checked on the past: scored on {cut:date} "
                              "and compared with who then bought nothing for {days} days ({customers:,} customers), "
                              "it ranks leavers above stayers {auc:pct0} of the time (AUC {auc:.2f}; the rule “the "
                              "longer since the last order, the likelier gone” scores {naive_auc:.2f}), and its "
                              "probabilities are off by {brier:.3f} in squared error (Brier score: 0 is perfect). "
                              "{outcome}",
    "retention.note.beats_naive": "It beats the simple rule.",
    "retention.note.not_naive": "It does not beat the simple rule here: treat days since the last order as the "
                                "better guide for this data.",
    "retention.note.bands": "P(churn): the chance a customer buys nothing in the next {days} days. Bands as in "
                            "Klaviyo: low under 33 %, medium 33–66 %, high over 66 %.",
    "retention.drivers": "{reasons:sentences}",
    "retention.driver.one_order": "One order so far, {days:,} days ago.",
    "retention.driver.overdue": "{days:,} days since the last order, against a usual {usual:.0f} days between "
                                "orders: overdue.",
    "retention.driver.on_rhythm": "{days:,} days since the last order; usually {usual:.0f} days between orders.",
    "retention.driver.slowing": "Fewer orders in the last {days} days ({recent}) than in the {days} before "
                                "({before}).",
    "churn_route.btyd": "buy-till-you-die (BG/NBD)",
    "churn_route.classifier": "behaviour model (gradient boosting)",
    "churn_route.naive": "days since the last order (simple rule)",
    "risk_band.low": "low",
    "risk_band.medium": "medium",
    "risk_band.high": "high",
    "column.p_churn": "P(churn)",
    "column.band": "Risk band",
    "column.p_churn_btyd": "P(churn), BG/NBD",
    "column.p_churn_classifier": "P(churn), behaviour model",
    "column.last_order": "Last order",
    "column.expected_next_order": "Expected next order",
    "column.mean_days_between_orders": "Usual days between orders",
    "column.orders_recent": "Orders, last window",
    "column.orders_before": "Orders, window before",
    "column.overdue_ratio": "Days since last order ÷ usual gap",
    "column.online_share": "Online share",
    "column.drivers": "Why",
    "column.route": "Route",
    "column.auc": "AUC",
    "column.brier": "Brier score",
    "column.churned": "Share who bought nothing",
    "column.cohort": "Cohort (first purchase)",
    "column.cohort_customers": "Customers in the cohort",
    "column.share_of_segment": "Share of the segment",
    "column.feature": "Behaviour",
    "column.auc_drop": "AUC lost without it",
    "column.predicted": "Predicted",
    "column.observed": "Observed",
    "column.bin": "Group",
    "retention.tab": "Retention",
    "retention.heading": "Who is about to stop buying",
    "retention.lead": "Each customer's chance of buying nothing in the coming weeks, when they should order next, "
                      "the lifetime value at stake, and how cohorts of new customers keep buying. It takes a few "
                      "seconds on a large customer base.",
    "retention.start": "Estimate churn risk and cohorts",
    "retention.start.help": "Trains two churn models, checks them on past data and builds the cohort table.",
    "retention.horizon": "Churn window (days)",
    "retention.horizon.help": "A customer counts as churned when they buy nothing in this many days. 90 days is "
                              "the usual quarter.",
    "retention.period": "Cohort period",
    "retention.period.help": "Customers are grouped by the week, month, quarter or year of their first purchase.",
    "retention.period.W": "Week",
    "retention.period.M": "Month",
    "retention.period.Q": "Quarter",
    "retention.period.Y": "Year",
    "retention.periods.W": "weeks",
    "retention.periods.M": "months",
    "retention.periods.Q": "quarters",
    "retention.periods.Y": "years",
    "retention.metric.high": "High churn risk",
    "retention.metric.high.help": "Customers whose chance of buying nothing in the next {days} days is over 66 %: "
                                  "{share:pct0} of all customers.",
    "retention.metric.value": "Value likely lost",
    "retention.metric.value.help": "Lifetime value times the chance of churning, summed over all customers: the "
                                   "value the churn risk puts in doubt.",
    "retention.metric.auc": "Churn model AUC",
    "retention.metric.auc.help": "How often the chosen route ranks a customer who left above one who stayed, "
                                 "checked on past data (0.5 is a coin toss, 1 is perfect). The simple rule “days "
                                 "since the last order” scores {naive:.2f}.",
    "retention.metric.auc.none": "not checked",
    "retention.bands.heading": "**Churn risk by segment**",
    "retention.bands.table": "Customers and value at risk per risk band",
    "retention.by_segment.table": "Customers per segment and risk band",
    "retention.at_risk.heading": "**At-risk customers:** {customers:,} customers in the high band.",
    "retention.at_risk.caption": "Largest value at risk first (the first 1,000 are shown; the download holds them "
                                 "all). Expected next order: the last order plus the customer's usual gap between "
                                 "orders (none after a single order).",
    "retention.at_risk.download": "Download all at-risk customers (CSV)",
    "retention.all.download": "Download every customer's churn risk (CSV)",
    "retention.routes.heading": "How well each route predicts",
    "retention.routes.table": "Scores on the holdout: AUC (higher is better) and Brier score (lower is better).",
    "retention.routes.importance": "What the behaviour model relies on most: how much its AUC drops when each "
                                   "behaviour is shuffled.",
    "retention.cohorts.heading": "**Cohort retention**",
    "retention.cohorts.lead": "Customers grouped by when they first bought; each cell is the share of them who "
                              "bought again that many {unit} later. The last column may be a partial period.",
    "retention.cohorts.table": "Cohort table (customers and revenue retained)",
    "retention.table.bands": "Churn risk bands",
    "retention.table.at_risk": "At-risk customers",
    "retention.table.routes": "Churn routes on the holdout",
    "retention.table.cohorts": "Cohort retention",
    "retention.figure.bands": "Churn risk by segment",
    "retention.figure.calibration": "Churn calibration",
    "retention.figure.cohorts": "Cohort retention heatmap",
    "retention.figure.curves": "Cohort retention curves",
    "chart.churn_bands_by_segment.title": "Churn risk by segment",
    "chart.churn_bands_by_segment.x": "Customers",
    "chart.churn_calibration.title": "Predicted vs observed churn on the holdout",
    "chart.churn_calibration.x": "Predicted P(churn) (group mean)",
    "chart.churn_calibration.y": "Share who bought nothing",
    "chart.churn_calibration.diagonal": "perfect calibration",
    "chart.cohort_heatmap.title": "Share of each cohort buying again",
    "chart.cohort_heatmap.x": "{unit:cap} since the first purchase",
    "chart.cohort_heatmap.y": "Cohort (first purchase)",
    "chart.cohort_heatmap.share": "Customers buying",
    "chart.cohort_curves.title": "Retention curve per cohort",
    "chart.cohort_curves.x": "{unit:cap} since the first purchase",
    "chart.cohort_curves.y": "Share of the cohort buying (%)",
    "report.retention.name": "Retention and churn risk",
    "report.retention.summary": "{high:,} customers ({share:pct0}) are at high risk of buying nothing in the next "
                                "{days} days.",
    "report.retention.value": "Value likely lost: {value:money0} (lifetime value × P(churn), {horizon}-month "
                              "horizon).",
    "report.retention.top": "Top {rows} at-risk customers",
    # (end of retention)

    # --- forecast ----------------------------------------------------------------------
    "forecast_model.croston": "Croston",
    "forecast_model.croston_sba": "Croston (SBA)",
    "forecast_model.tsb": "TSB",
    "forecast.note.intermittent": "{series} of {total} series sell in fewer than one week in {adi} (intermittent "
                                  "demand: many weeks without a sale), so Croston, its Syntetos-Boylan correction (SBA) "
                                  "and TSB joined the backtest. They forecast a steady weekly rate: the sales a week "
                                  "brings on average, not which week a sale will come.",
    # (end of forecast)

    # --- reports -------------------------------------------------------------------------
    "reports.renamed": "Renamed.",
    "reports.deleted": "Deleted “{name}”.",
    "reports.standard.running": "Analysing “{name}”…",
    "reports.standard.title": "Add the standard overview of the current dataset",
    "reports.standard.no_dataset": "Pick or upload a dataset first.",
    "reports.standard.run": "Run and save the standard overview",
    "reports.column.name": "Name",
    "reports.column.page": "Page",
    "reports.column.dataset": "Dataset",
    "reports.column.no_dataset": "(deleted or none)",
    "reports.column.saved": "Saved",
    "reports.column.tables": "Tables",
    "reports.column.charts": "Charts",
    "reports.saved.caption": ("Every saved analysis in the workspace, newest first. Saved analyses survive restarts; "
                              "they are snapshots and do not change when the data does."),
    "reports.manage.title": "Rename or delete saved analyses",
    "reports.manage.analysis": "Saved analysis",
    "reports.manage.new_name": "New name",
    "reports.manage.rename": "Rename",
    "reports.manage.confirm": "Yes, delete it for good",
    "reports.manage.delete": "Delete",
    "reports.settings.title": "Report settings",
    "reports.settings.report_title": "Report title",
    "reports.settings.default_title": "PromoLens report",
    "reports.settings.report_title.help": "The heading of the HTML report.",
    "reports.settings.lang": "Report language",
    "reports.settings.lang.help": ("Headings, labels and dates of the report and workbook. Names in your data stay as "
                                   "they are."),
    "reports.settings.currency": "Currency in the report",
    "reports.settings.currency.help": "Shown before money in tables (the sidebar's symbol by default).",
    "reports.settings.rows": "Rows shown per table",
    "reports.settings.rows.help": ("Longer tables are cut in the HTML report, with a note; the Excel workbook always "
                                   "holds every row."),
    "reports.building": "Building the report…",
    "reports.download.html": "Download HTML report",
    "reports.download.html.caption": ("{mb:,.1f} MB, one file: interactive charts, opens without internet, prints one "
                                      "analysis per page."),
    "reports.download.xlsx": "Download Excel workbook",
    "reports.download.xlsx.caption": ("A contents sheet, then every table on its own sheet with all its rows: "
                                      "frozen header, filters, number formats. Text that looks like a formula is kept "
                                      "as text."),
    "reports.preview": "Preview",
    "reports.preview.settings": "Settings: ",
    "reports.schedule.title": "Rebuild a report every week without clicking (command line)",
    "reports.schedule.lead": ("The command line runs the standard analyses on a file or a workspace dataset and writes "
                              "the same HTML report or Excel workbook. Exit status 0 means written, 2 means the input "
                              "cannot be used (the reason is printed), 1 an unexpected error. Run it from the "
                              "PromoLens folder, e.g. from cron every Monday at 7:00:"),
    "reports.title": "Reports",
    "reports.lead": ("Turn saved analyses into something you can send: one HTML file your director opens offline and "
                     "can print, and an Excel workbook your analyst can filter."),
    "reports.empty": ("No saved analyses yet. Every page has a “Save this analysis to a report” box at the bottom; or "
                      "add the standard overview of the current dataset below."),
    "reports.pick": "Analyses in the report, in order",
    "reports.pick.help": ("The report lists them in the order picked here (oldest first by default). Remove one with "
                          "its ×."),
    "reports.metric.saved": "Saved analyses",
    "reports.metric.saved.help": "Everything saved in this workspace from any page.",
    "reports.metric.picked": "In the report",
    "reports.metric.picked.help": "The analyses picked above.",
    "reports.metric.tables": "Tables",
    "reports.metric.tables.help": ("Tables in the picked analyses: each becomes a section of the report and a sheet of "
                                   "the workbook."),
    "reports.metric.charts": "Charts",
    "reports.metric.charts.help": "Interactive charts in the picked analyses, embedded in the HTML report.",
    "reports.pick.none": "Pick at least one analysis to build a report.",
    "reports.step.profile": "Business profile",
    "reports.step.segments": "Customer segments (RFM)",
    "reports.step.retention": "Retention and churn risk",
    "reports.step.basket": "Frequently bought together",
    "reports.step.recommendations": "Recommendations against best-sellers",
    "reports.step.pricing": "Price sensitivity",
    "reports.step.forecast": "Demand forecast",
    "reports.step.campaign": "Coupon campaign results",
    "reports.step.network": "Warehouse network",
    "reports.step.marketing": "Marketing ROI",
    "reports.skipped": "{step} skipped: {reason}",
    "reports.skipped.unexpected": ("{step} skipped: it failed on this data in a way PromoLens did not foresee "
                                   "(incident {incident}). The rest of the report is complete; please pass the "
                                   "incident reference to whoever runs PromoLens for you."),
    "reports.table.campaign": "campaign",
    "reports.table.warehouses": "warehouses",
    "reports.table.stores": "stores",
    "reports.table.spend": "marketing spend",
    "join.tables": " and ",
    "reports.no_table": "the data has no {tables:tables} table.",
    "reports.no_tables": "the data has no {tables:tables} tables.",
    "reports.standard.lead": ("The analyses the command line runs: {steps:list} (each where the data supports it). "
                              "They are saved like any other analysis."),
    "reports.standard.saved": "Saved {count} standard analyses of “{name}”.",
    "reports.page.data": "Data profile",
    "reports.page.segments": "Segments",
    "reports.page.recommendations": "Recommendations",
    "reports.page.pricing": "Pricing",
    "reports.page.coupons": "Coupons",
    "reports.page.logistics": "Logistics",
    "reports.page.reports": "Reports",
    "reports.page.marketing": "Marketing ROI",
    "reports.doc.yes": "Yes",
    "reports.doc.no": "No",
    "reports.doc.empty_table": "This table is empty.",
    "reports.doc.cut": "Showing the first {shown:,} of {rows:,} rows; the Excel workbook holds them all.",
    "reports.doc.none_picked": "Pick at least one saved analysis to put in the report.",
    "reports.doc.title": "PromoLens report",
    "reports.doc.data": "data: {name}",
    "reports.doc.saved": "saved {day} {time:%H:%M}",
    "reports.doc.settings": "Settings",
    "reports.doc.unreadable_chart": "The chart “{name}” could not be read.",
    "reports.doc.nothing": "This analysis holds no tables or charts.",
    "reports.doc.generated.one": "Generated {day} {time:%H:%M} · {count} analysis",
    "reports.doc.generated.many": "Generated {day} {time:%H:%M} · {count} analyses",
    "reports.doc.help": ("Charts are interactive: hover for values, drag to zoom, double-click to reset. The report "
                         "needs no internet connection and prints one analysis per page."),
    "reports.doc.contents": "Contents",
    "reports.doc.footer": "Made with PromoLens.",
    "reports.book.contents": "Contents",
    "reports.book.analysis": "Analysis",
    "reports.book.page": "Page",
    "reports.book.dataset": "Dataset",
    "reports.book.saved_at": "Saved at",
    "reports.book.settings": "Settings",
    "reports.book.notes": "Notes",
    "reports.book.sheet": "Sheet",
    "reports.book.table": "Table",
    "reports.book.rows": "Rows",
    "reports.book.none_picked": "Pick at least one saved analysis to put in the workbook.",
    # (end of reports)

    # --- marketing -----------------------------------------------------------------------
    # the media-mix model (promo_core.mmm): errors
    "mmm.error.no_channels": "The spend table has no channels. Map the channel column on the Marketing ROI page.",
    "mmm.error.index": "Spend, revenue and controls must cover the same periods. Check that every period has a "
                       "revenue value.",
    "mmm.error.too_few_periods": "Only {periods} periods of spend: the model needs at least {needed} (three times "
                                 "the weeks a week's spend may keep working). Upload a longer history.",
    "mmm.error.missing": "{column} has empty values. Fill them in (0 when nothing was spent).",
    "mmm.error.negative_spend": "{channel} has negative spend in some periods. Spend must be 0 or more: correct "
                                "refunds or credits in the file.",
    "mmm.error.no_spend": "No channel spent anything in these periods, so there is nothing to measure.",
    "mmm.error.unknown_channel": "There is no channel {channel}; the channels are: {channels}.",
    "mmm.error.calibration": "The experiment for {channel} needs a ROAS of 0 or more and an interval whose high end "
                             "is above its low end.",
    "mmm.error.bounds": "Spend limits must be 0 or more, and each channel's lowest spend at most its highest.",
    "mmm.error.budget_bounds": "A budget of {budget:money0} per week cannot be split within the limits: the "
                               "lowest allowed spends add up to {low:money0} and the highest to {high:money0}. "
                               "Change the budget or widen the limits.",
    # the Marketing ROI analysis: errors, steps, notes
    "marketing.error.no_spend_table": "No spend table yet. Upload one (a row per week and channel with the spend).",
    "marketing.error.empty": "The spend table has no rows.",
    "marketing.error.no_column": "The spend table has no column {column}. Its columns are: {columns}.",
    "marketing.error.not_numbers": "{column} should hold numbers, but {rows} rows hold text such as “{example}”. "
                                   "Correct them or pick another column.",
    "marketing.error.bad_date": "{column} should hold dates, but row {row} holds “{value}”. Correct it or pick the "
                                "date column.",
    "marketing.error.uneven_periods": "The periods in {column} are not evenly spaced (a gap after {after:date}). Give "
                                      "every week (or every day) a row, with 0 spend when nothing was spent.",
    "marketing.error.varies_in_period": "{column} has different values within the period starting {period:date}. "
                                        "It must be one value per period, repeated on each channel's row.",
    "marketing.error.missing_kpi": "{column} has no value for the period starting {period:date}. Fill it in.",
    "marketing.error.no_kpi": "Pick the revenue column of the spend table, or open a dataset with sales.",
    "marketing.error.no_sales_in_period": "The sales have no lines between {first:date} and {last:date}, the spend "
                                          "table's periods. Pick the revenue column of the spend table instead.",
    "marketing.step.read": "Reading the spend table…",
    "marketing.step.fit": "Fitting the media-mix model ({channels} channels, {periods} periods)…",
    "marketing.step.bootstrap": "Measuring the uncertainty: {share:pct0} of the refits done…",
    "marketing.step.allocation": "Splitting the budget…",
    "marketing.step.what_if": "Comparing your split…",
    "marketing.note.filled": "{pairs} period-channel pairs had no row and count as no spend.",
    "marketing.note.kpi_from_sales": "Revenue per period comes from the sales data (the spend table has no revenue "
                                     "column).",
    # regions: one region's revenue (a store, or a channel for sales without a store)
    "marketing.step.regions": "Listing the regions of the sales…",
    "marketing.region.not_given": "(no store or channel given)",
    "marketing.error.no_region_sales": "The sales have no lines of region {region} between {first:date} and "
                                       "{last:date}, the spend table's periods. Pick a region from the list under "
                                       "“Sales measured” (a store, or a channel such as online for sales without a "
                                       "store). In a protected dataset store ids are replaced by codes, so a spend "
                                       "file's store names match no sale: use the unprotected data, or regions that "
                                       "are channels.",
    "marketing.error.no_region_spend": "The spend table has no rows of region {region} in column {column}, and no "
                                       "national rows (with the region left empty). Its regions are: {regions:list}. "
                                       "Pick one of them under “Sales measured”, or add spend rows for {region} (or "
                                       "national rows) to the spend table.",
    "marketing.note.region": "Revenue of {region} only: {revenue:money0} over {periods} periods. {spend}",
    "marketing.note.region.national": "The spend is national, so the model measures national spend's effect on "
                                      "this region's sales (its ROAS is per 1 of national spend).",
    "marketing.note.region.regional": "The spend is this region's own rows of the spend table.",
    "marketing.note.region.both": "The spend is this region's own rows plus the national rows (region left empty) "
                                  "of the spend table, so national spend's effect on this region's sales is "
                                  "measured too.",
    "marketing.note.regions_summed": "The spend of every region ({column}) is added up per period and channel, "
                                     "against all sales. Pick a region under “Sales measured” to model one.",
    "marketing.columns.region": "Region (optional)",
    "marketing.columns.region.none": "No region column",
    "marketing.columns.region.help": "The spend table's region, market or store column, when the spend is given per "
                                     "region. Rows with the region left empty count as national spend.",
    "marketing.region.measured": "Sales measured",
    "marketing.region.all": "All sales",
    "marketing.region.name": "{region}",
    "marketing.region.option": "{region} ({revenue:money0})",
    "marketing.region.help": "All sales, or one region's: a store, or a channel such as online for sales without a "
                             "store (largest revenue first). Choosing a region models that region's revenue against "
                             "the spend: the region's own rows of the spend table when it has a region column, plus "
                             "the national rows. National spend then shows its effect on this region's sales only.",
    "marketing.flag.few_periods": "only {periods} periods of data (the model needs {needed}, a year of weeks), so "
                                  "seasonality and media cannot be told apart",
    "marketing.flag.no_variation": "its spend hardly changes, so its effect cannot be measured",
    "marketing.flag.collinear": "its spend moves with other channels' (or with the season), so the model cannot "
                                "tell their effects apart",
    "marketing.flag.flat_effect": "its estimated effect hardly moves when its spend does, so the model may be "
                                  "crediting it with part of the baseline",
    "marketing.flag.uncertain": "the interval is wide: treat its ROAS as a rough guess",
    # the Marketing ROI page
    "marketing.title": "Marketing ROI",
    "marketing.lead": "What each marketing channel's spend brought in, how sure we are, and how to split the next "
                      "budget. A media-mix model separates sales into a baseline (trend, season, holidays) and each "
                      "channel's contribution, allowing for spend that keeps working for weeks (carry-over) and for "
                      "diminishing returns.",
    "marketing.data.heading": "Spend data",
    "marketing.data.where": "Where is the spend?",
    "marketing.data.where.help": "A table with one row per week (or day) and channel: the date, the channel, the "
                                 "spend, and optionally the revenue of that week and controls such as holidays.",
    "marketing.data.source.dataset": "In this dataset",
    "marketing.data.source.upload": "Upload a file",
    "marketing.data.dataset": "The dataset's spend table: {rows:,} rows.",
    "marketing.data.upload.lead": "CSV, Excel or Parquet; one row per period and channel.",
    "marketing.data.upload": "Spend file",
    "marketing.data.read": "Read {rows:,} lines of {file}.",
    "marketing.data.unreadable": " {rows:,} lines could not be read; download them below.",
    "marketing.data.pick": "Choose or upload a spend table to start.",
    "marketing.columns.heading": "Columns",
    "marketing.columns.period": "Period (date)",
    "marketing.columns.period.help": "The first day of the week (or the day) the row is about.",
    "marketing.columns.channel": "Channel",
    "marketing.columns.channel.help": "The marketing channel: search, social, TV, e-mail…",
    "marketing.columns.spend": "Spend",
    "marketing.columns.spend.help": "Money spent in that channel in that period.",
    "marketing.columns.kpi": "Revenue",
    "marketing.columns.kpi.sales": "From the sales data",
    "marketing.columns.kpi.help": "The revenue of each period (the same on each of its rows); or take it from the "
                                  "dataset's sales.",
    "marketing.columns.controls": "Controls",
    "marketing.columns.controls.help": "Other things that move sales, one value per period: holidays (1 or 0), a "
                                       "price index, competitor events. They keep the model from crediting "
                                       "marketing for them.",
    "marketing.settings.heading": "Model settings",
    "marketing.settings.max_lag": "Carry-over (periods)",
    "marketing.settings.max_lag.help": "How many periods a period's spend may keep working (8 weeks suits most "
                                       "channels; TV can need more).",
    "marketing.settings.holdout": "Periods held out",
    "marketing.settings.holdout.help": "The last periods are predicted by a fit that does not see them, to check "
                                       "the model (0: no check).",
    "marketing.settings.n_boot": "Refits for the intervals",
    "marketing.settings.n_boot.help": "The intervals come from refitting the model on resampled data this many "
                                      "times: more is steadier but slower. At least {least}: with fewer, the ends "
                                      "of a 90 % interval rest on a handful of refits.",
    "marketing.settings.fourier": "Season detail",
    "marketing.settings.fourier.help": "How detailed the yearly season may be (pairs of waves); more follows sharper "
                                       "peaks but can take credit from marketing.",
    "marketing.money": "{value:money0}",
    "marketing.ratio": "{value:.2f}",
    "marketing.pct": "{value:pct1}",
    "marketing.metric.spend": "Marketing spend",
    "marketing.metric.spend.help": "Everything spent in the {periods} periods of the data.",
    "marketing.metric.contribution": "Revenue it brought in",
    "marketing.metric.contribution.help": "Sales that would not have happened without the marketing, as the model "
                                          "estimates, from the channels it can measure: {share:pct0} of all revenue "
                                          "(between {low:money0} and {high:money0}, {level:pct0} interval).",
    "marketing.metric.roas": "Return on ad spend",
    "marketing.metric.roas.help": "Revenue brought in per 1 spent on the channels the model can measure (between "
                                  "{low:.2f} and {high:.2f}, {level:pct0} interval; above 1: the marketing brought "
                                  "in more revenue than it cost; profit also needs the margin).",
    "marketing.metric.holdout": "Forecast error",
    "marketing.metric.holdout.help": "Average error when the model predicts the last {periods} periods without "
                                     "seeing them (R² {r2:.2f}; 1 is perfect, below 0 worse than the average).",
    "marketing.metric.r2": "Fit (R²)",
    "marketing.metric.r2.help": "Share of the ups and downs of revenue the model explains (1 is perfect).",
    "marketing.flags.channel": "{channel}: {reasons:and}.",
    "marketing.flags.list": "{reasons:list}",
    "marketing.flags.none": "The data separates every channel: no warnings.",
    "marketing.channels.heading": "What each channel brought in",
    "marketing.channels.lead": "ROAS: revenue brought in per 1 spent, with its {level:pct0} interval. A bar to the "
                               "left of 1 returned less than it cost; marginal ROAS is what one more 1 spent at "
                               "today's level brings in.",
    "marketing.channels.table": "Channels: contribution, ROAS and marginal ROAS with intervals",
    "marketing.curves.heading": "Response curves",
    "marketing.curves.lead": "Revenue per week at a steady weekly spend (carry-over settled). The curve flattens "
                             "where more money brings little more.",
    "marketing.curves.channel": "Channel",
    "marketing.curves.today": "{channel} today: {spend:money0} per week brings about {revenue:money0}; one more 1 "
                              "brings {marginal:.2f} (between {low:.2f} and {high:.2f}).",
    "marketing.curves.half_life": "Carry-over of {channel}: half of a week's effect is gone after {weeks:.1f} weeks.",
    "marketing.fit.heading": "How well the model follows revenue",
    "marketing.fit.lead": "The model explains R² = {r2:.2f} of revenue's ups and downs.",
    "marketing.fit.holdout": "Fitted without the last {periods} periods, it predicted them with an average error of "
                             "{mape:pct1} (R² {r2:.2f}).",
    "marketing.plan.heading": "Split the next budget",
    "marketing.plan.lead": "Today's spend is the average of the last {periods} weeks. The split that brings in the "
                           "most, on the response curves, within the limits you set.",
    "marketing.plan.budget": "Budget per week",
    "marketing.plan.budget.help": "Money to split per week; today: {today:money0}.",
    "marketing.plan.change": "Each channel may change by up to (%)",
    "marketing.plan.change.help": "Limits each channel to today's spend plus or minus this share, so the plan "
                                  "stays close to what the data has seen.",
    "marketing.plan.profit": "Maximise profit",
    "marketing.plan.profit.help": "Off: the most revenue for the whole budget. On: the most profit (margin × "
                                  "revenue − spend), which may leave money unspent.",
    "marketing.plan.margin": "Margin",
    "marketing.plan.gain.revenue": "Extra revenue per week",
    "marketing.plan.gain.profit": "Extra profit per week",
    "marketing.plan.gain.help": "Compared with today's split; between {low:money0} and {high:money0} "
                                "({level:pct0} interval).",
    "marketing.plan.value.revenue": "Revenue from marketing per week",
    "marketing.plan.value.profit": "Profit from marketing per week",
    "marketing.plan.interval": "Gain over today's split: between {low:money0} and {high:money0} per week "
                               "({level:pct0} interval).",
    "marketing.plan.table": "Budget split per week: today and proposed",
    "marketing.whatif.heading": "What if: your own split",
    "marketing.whatif.lead": "Type a weekly spend per channel to see what the model expects it to bring compared "
                             "with today's.",
    "marketing.saved_name": "Marketing ROI ({channels} channels)",
    "chart.mmm_roas.title": "Return on ad spend per channel, with {level:pct0} intervals",
    "chart.mmm_roas.x": "Revenue per 1 spent",
    "chart.mmm_roas.y": "Channel",
    "chart.mmm_roas.break_even": "break-even",
    "chart.mmm_contributions.title": "Revenue per week: baseline and what each channel added",
    "chart.mmm_contributions.x": "Week",
    "chart.mmm_contributions.y": "Revenue per week ({currency})",
    "chart.mmm_contributions.baseline": "Baseline (no marketing)",
    "chart.mmm_response.title": "Response curve: {channel}",
    "chart.mmm_response.x": "Spend per week ({currency})",
    "chart.mmm_response.y": "Revenue brought in per week ({currency})",
    "chart.mmm_response.interval": "Interval",
    "chart.mmm_response.today": "Today's spend",
    "chart.mmm_fit.title": "Revenue per week: actual, fitted and predicted",
    "chart.mmm_fit.x": "Week",
    "chart.mmm_fit.y": "Revenue per week ({currency})",
    "chart.mmm_fit.actual": "Actual",
    "chart.mmm_fit.fitted": "Model",
    "chart.mmm_fit.holdout": "Predicted without seeing it",
    "chart.mmm_allocation.title": "Spend per week per channel: today and proposed",
    "chart.mmm_allocation.x": "Channel",
    "chart.mmm_allocation.y": "Spend per week ({currency})",
    "chart.mmm_allocation.current": "Today",
    "chart.mmm_allocation.proposed": "Proposed",
    "column.total_spend": "Spend",
    "column.contribution": "Revenue brought in",
    "column.contribution_low": "Revenue brought in (low)",
    "column.contribution_high": "Revenue brought in (high)",
    "column.roas": "ROAS",
    "column.roas_low": "ROAS (low)",
    "column.roas_high": "ROAS (high)",
    "column.marginal_roas": "Marginal ROAS",
    "column.marginal_roas_low": "Marginal ROAS (low)",
    "column.marginal_roas_high": "Marginal ROAS (high)",
    "column.current_spend": "Spend per week today",
    "column.half_life": "Carry-over half-life (weeks)",
    "column.flags": "Warnings",
    "column.min_spend": "Lowest allowed",
    "column.max_spend": "Highest allowed",
    "column.proposed_spend": "Proposed spend per week",
    "column.current_revenue": "Revenue from it today",
    "column.proposed_revenue": "Revenue from it, proposed",
    "report.marketing.name": "Marketing ROI",
    "report.marketing.headline": "Marketing spend of {spend:money0} brought in about {contribution:money0} of "
                                 "revenue from the channels the model can measure ({low:money0} to {high:money0}, "
                                 "{level:pct0} interval; {share:pct0} of all revenue): {roas:.2f} per 1 spent on "
                                 "them.",
    "marketing.calibrate.heading": "Calibrate with an experiment",
    "marketing.calibrate.lead": "If a randomised test measured a channel's return (a hold-out region, a coupon "
                                "campaign on the Coupons page), enter it: the model then weighs the test's result "
                                "against what the spend data says, and the table shows how every estimate moved.",
    "marketing.calibrate.channel": "Channel tested",
    "marketing.calibrate.none": "No experiment",
    "marketing.calibrate.roas": "Measured ROAS",
    "marketing.calibrate.roas.help": "Incremental revenue per 1 spent that the test measured.",
    "marketing.calibrate.low": "Interval low",
    "marketing.calibrate.high": "Interval high",
    "marketing.calibrate.interval.help": "The test's {level:pct0} interval for the ROAS: the narrower, the more the "
                                         "model follows the test.",
    "marketing.calibrate.table": "How the estimates moved with the experiment",
    "column.roas_before": "ROAS before",
    "column.roas_low_before": "ROAS before (low)",
    "column.roas_high_before": "ROAS before (high)",
    "column.roas_after": "ROAS with the experiment",
    "column.roas_low_after": "ROAS with the experiment (low)",
    "column.roas_high_after": "ROAS with the experiment (high)",
    "app.page.marketing": "Marketing ROI",
    "marketing.error.no_arm": "The campaign has no arm {arm} in column {column}. Its arms are: {arms}.",
    "marketing.error.campaign_cost": "Enter what the campaign cost (more than 0) to turn its extra revenue into a ROAS.",
    "marketing.error.campaign_outcome": "{column} is not a money outcome with customers in both arms: pick the "
                                        "campaign's revenue (spend) column.",
    "marketing.calibrate.source": "Where the measurement comes from",
    "marketing.calibrate.source.typed": "Typed in",
    "marketing.calibrate.source.campaign": "The workspace's coupon campaign",
    "marketing.calibrate.source.help": "The Coupons page's randomised campaign: its arm's extra revenue over the "
                                       "control group, per 1 the campaign cost, is a measured ROAS.",
    "marketing.calibrate.arm_column": "Arm column",
    "marketing.calibrate.arm": "Arm that got the campaign",
    "marketing.calibrate.control": "Control arm",
    "marketing.calibrate.outcome": "Revenue column",
    "marketing.calibrate.cost": "What that arm's campaign cost",
    "marketing.calibrate.cost.help": "Discounts given plus sending costs, in money. The default counts the "
                                     "coupon's face value (from the arm's name) for every customer of the arm who "
                                     "bought.",
    "marketing.calibrate.measured": "The campaign: {customers:,} customers spent {lift:money2} more each than the "
                                    "control group, {extra:money0} in all for {cost:money0}: a ROAS of {roas:.2f} "
                                    "({level:pct0} interval {low:.2f} to {high:.2f}).",
    "marketing.calibrate.negative": "The campaign brought no extra revenue (its measured ROAS is below 0): the "
                                    "model is told 0 for this channel.",
    "marketing.flag.unidentified": "the page shows no ROAS for it: the data cannot tell what it brought in",
    "marketing.flag.collinear_with": "its spend moves with {other}'s, so the model cannot tell their effects apart",
    "marketing.headline.range": "Revenue brought in: between {low:money0} and {high:money0} ({level:pct0} interval), "
                                "a return of {roas_low:.2f} to {roas_high:.2f} per 1 spent.",
    "marketing.headline.excluded": "Not counted above: {channels:and}, {spend:money0} of spend. The data cannot tell "
                                   "what it brought in: the model's arithmetic credits it with {credited:money0}, "
                                   "but that is not a measurement and may be far off (nothing to that much or "
                                   "more). A randomised test of the channel (Calibrate with an experiment) can "
                                   "measure it.",
    "marketing.curves.unidentified": "The data cannot separate {channel}: this curve is the model's arithmetic, not "
                                     "a measurement. Do not plan its spend on it.",
    "marketing.plan.held": "{channels:and} stays at today's spend: the data cannot tell what it brings in, so the "
                           "split does not move money on its curve.",
    "marketing.whatif.held": "The data cannot tell what {channels:and} brings in: a change to it here shows the "
                             "model's arithmetic, not a measured gain.",
    # (end of marketing)

    # --- clv honesty ----------------------------------------------------------------------
    "clv.note.long_holdout": "The {holdout_days}-day holdout is longer than half of the {calibration_days} days the "
                             "model learns from, so the check asks it to predict far beyond what it has seen; "
                             "expect larger errors than with a shorter holdout.",
    "clv.cannot_tell.bound": "a fitted parameter ({parameters}) sits at the edge of the range the fit searches",
    "clv.cannot_tell.no_dropout": "the model puts the chance that a customer stops buying after a purchase at "
                                  "practically zero ({dropout:.1e}), as if nobody ever left",
    "clv.cannot_tell.holdout": "on the held-out days it predicted repeat purchases no better than the naive rule "
                               "(an error of {model:.2f} against {naive:.2f} purchases per customer)",
    "clv.cannot_tell.churn_holdout": "on past data it ranked the customers who stopped buying below the simple rule "
                                     "\"days since the last order\" (AUC {btyd:.2f} against {naive:.2f})",
    "clv.cannot_tell.warning": "This data cannot tell who has stopped buying, or why: {reasons:and}. Usually each "
                               "customer has too few purchases over too short a history to tell a slow buyer from "
                               "one who has left. So the headline shows who is likely to buy again within {days} "
                               "days, and value at risk is lifetime value × the chance of no purchase in those days, "
                               "both from the churn model that predicted best on past data ({route}). Lifetime "
                               "values assume nobody leaves: read them as an upper bound, and P(alive) below as "
                               "saying nothing.{caveat}",
    "clv.cannot_tell.no_churn": "This data cannot tell who has stopped buying, or why: {reasons:and}. The churn model "
                                "that would replace these figures could not run either ({problem}), so \"probably "
                                "still active\" and value at risk say nothing about who has left.",
    "clv.cannot_tell.active": "Likely to buy within {days} days",
    "clv.cannot_tell.active.help": "Share of customers whose chance of making no purchase in the next {days} days is "
                                   "below 50%, by the {route} churn model (P(alive) cannot tell on this data: see the "
                                   "warning below).",
    "clv.cannot_tell.at_risk.help": "Each customer's lifetime value × their chance of making no purchase in the next "
                                    "{days} days ({route} churn model), summed: the value to win back first.",
    "clv.cannot_tell.weak_churn": " Even that model ranked past leavers no better than days since the last order "
                                  "(AUC {auc:.2f} against {naive:.2f}; 0.5 is a coin toss): treat these figures as "
                                  "rough too.",
    # (end of clv honesty)
    # --- journeys ----------------------------------------------------------------------------
    "app.page.journeys": "Journeys",
    "reports.page.journeys": "Journeys",
    "journeys.title": "Journeys",
    "journeys.lead": "What customers do before they buy: how many visits view a product, put it in the cart and "
                     "buy, where they drop out (by segment, traffic channel and device), carts left behind, searches "
                     "that found nothing, and products looked at often but rarely bought.",
    "journeys.data.heading": "Browsing events",
    "journeys.data.where": "Which events?",
    "journeys.data.where.help": "The dataset's own events (added on the Data page, under “Browsing events”; the "
                                "demo retailer has them), or a file you upload here to look at without saving it: "
                                "a web-analytics export from GA4 or Shopify, or your own.",
    "journeys.data.source.dataset": "The dataset's events",
    "journeys.data.source.upload": "Upload a file",
    "journeys.data.upload": "Events (CSV, Excel, Parquet)",
    "journeys.data.upload.lead": "One row per event: its time, the event (view, add to cart, remove from cart, search, "
                                 "wishlist, purchase), the visit (session id) or the visitor (customer id), and "
                                 "optionally product, search term, number of search results, channel, device and "
                                 "value. English and Chinese headers and GA4 (event_name, user_pseudo_id, "
                                 "event_timestamp) and Shopify names are recognised.",
    "journeys.data.read": "Read {rows:,} line(s) of {file}.",
    "journeys.data.unreadable": " {rows:,} line(s) could not be read at all; they are listed below.",
    "journeys.data.pick": "Upload a file of browsing events, or use the dataset's events.",
    "journeys.data.no_events": "This dataset has no browsing events. Add an events file to it on the Data page "
                               "(“Browsing events”; a GA4 or Shopify export works), upload one here to look at it "
                               "without saving it, or open the demo retailer, which has them.",
    "journeys.data.dataset": "The events of the active dataset. The demo retailer's cover its last 8 weeks of orders: "
                             "every order has its product views and cart adds, plus the visits that bought nothing.",
    "journeys.data.columns": "Columns used: {columns}.",
    "journeys.data.column": "{role} ← “{header}”",
    "journeys.role.event": "event",
    "journeys.role.event_time": "time",
    "journeys.role.session_id": "visit",
    "journeys.role.customer_id": "customer",
    "journeys.role.product_id": "product",
    "journeys.role.search_term": "search term",
    "journeys.role.results": "search results",
    "journeys.role.channel": "channel",
    "journeys.role.device": "device",
    "journeys.role.value": "value",
    "journeys.role.order_id": "order",
    "journeys.settings.heading": "Settings",
    "journeys.settings.segments": "Split by customer segment",
    "journeys.settings.segments.help": "Each visitor gets the RFM segment of the Segments page (from the sales). "
                                       "Visitors who never bought have no segment.",
    "journeys.settings.min_sessions": "Views needed to judge a product",
    "journeys.settings.min_sessions.help": "A product is listed as “viewed but rarely bought” only when at least this "
                                           "many visits viewed it: with fewer, its rate says little.",
    "journeys.step.reading": "Reading the events …",
    "journeys.step.funnel": "Counting visits at each step of the funnel …",
    "journeys.step.carts": "Finding the carts left behind …",
    "journeys.step.searches": "Summing up the searches …",
    "journeys.step.products": "Comparing each product's views with its purchases …",
    "journeys.error.columns": "The events table needs a column for the event, its time and the visit or visitor; "
                              "not found: {missing}. The file's columns are: {columns}. Rename a column (e.g. "
                              "“event”, “event_time”, “session_id”) and upload again.",
    "journeys.error.no_sessions": "No event could be read as part of a visit, so there is no funnel to show.",
    "journeys.quarantine.lead": "Rows left out of the analysis, each with its reason:",
    "journeys.note.sessions_from_gaps": "The file has no session id: a visitor's events {minutes} minutes or more "
                                        "apart count as separate visits (as Google Analytics does).",
    "journeys.note.quarantine": "{rows:,} row(s) could not be used as events; they are listed at the bottom with the "
                                "reason.",
    "journeys.metric.sessions": "Visits",
    "journeys.metric.sessions.help": "Sessions: one visitor's stay on the site or app, from the first event to the "
                                     "last.",
    "journeys.metric.conversion": "Visits that buy",
    "journeys.metric.conversion.help": "The share of all visits that end in a purchase (the conversion rate).",
    "journeys.metric.browse_to_buy": "Browse to buy",
    "journeys.metric.browse_to_buy.help": "Of the visits that looked at a product, the share that bought something.",
    "journeys.metric.abandonment": "Carts abandoned",
    "journeys.metric.abandonment.help": "Of the visits that put something in the cart, the share that left without "
                                        "buying. The carts still holding something are worth {value} in all.",
    "journeys.tab.funnel": "Funnel",
    "journeys.tab.carts": "Abandoned carts",
    "journeys.tab.searches": "Searches",
    "journeys.tab.products": "Viewed, not bought",
    "journeys.stage.sessions": "Visits",
    "journeys.stage.viewed": "Viewed a product",
    "journeys.stage.carted": "Added to cart",
    "journeys.stage.purchased": "Bought",
    "journeys.funnel.explain": "Each bar counts the visits that reached the step; “drop-off” is the share of the "
                               "previous step's visits that did not.",
    "journeys.dimension.segment": "segment",
    "journeys.dimension.channel": "channel",
    "journeys.dimension.device": "device",
    "journeys.by.segment": "By customer segment",
    "journeys.by.channel": "By traffic channel",
    "journeys.by.device": "By device",
    "journeys.by.explain": "“low” and “high” bound the 95% interval of each rate: with few visits the interval is "
                           "wide and a difference between two groups may be chance; where the intervals do not "
                           "overlap, it is not.",
    "journeys.carts.lead": "{carts:,} visits left something in the cart and bought nothing, worth {value} in all, the "
                           "most valuable first (the top 1,000 shown; the button below downloads them all). "
                           "“Bought later” marks customers who came back and bought, whom a reminder would not need.",
    "journeys.carts.download": "Download every abandoned cart",
    "journeys.searches.lead": "Per search term: how often it was searched, the share of searches that found nothing "
                              "(products you may be missing) and the share of its visits that bought nothing.",
    "journeys.searches.none": "The events hold no searches.",
    "journeys.products.lead": "Products viewed in at least {sessions:,} visits, the lowest view-to-buy rate first: "
                              "worth checking their price, stock, photos and description.",
    "journeys.products.none": "No product was viewed in {sessions:,} visits or more; lower the setting to see more.",
    "journeys.figure.funnel": "Funnel",
    "journeys.figure.by": "Browse to buy by {dimension}",
    "journeys.table.funnel": "Funnel",
    "journeys.table.by": "Funnel by {dimension}",
    "journeys.table.carts": "Abandoned carts (top 100)",
    "journeys.table.searches": "Searches",
    "journeys.table.products": "Products viewed, not bought",
    "journeys.saved_name": "Journeys of {sessions:,} visits",
    "chart.journeys_funnel.title": "Visits at each step of the funnel",
    "chart.journeys_funnel.x": "Visits (count)",
    "chart.journeys_by.title": "Browse to buy by {dimension}",
    "chart.journeys_by.x": "Browse to buy (% of the visits that viewed a product, 95% interval)",
    "column.sessions": "Visits",
    "column.viewed": "Viewed a product",
    "column.carted": "Added to cart",
    "column.purchased": "Bought",
    "column.viewed_purchased": "Viewed and bought",
    "column.carted_purchased": "Carted and bought",
    "column.view_rate": "Viewing share",
    "column.cart_rate": "Viewed → cart",
    "column.conversion": "Visits that buy",
    "column.conversion_low": "Visits that buy (low)",
    "column.conversion_high": "Visits that buy (high)",
    "column.browse_to_buy": "Browse to buy",
    "column.browse_to_buy_low": "Browse to buy (low)",
    "column.browse_to_buy_high": "Browse to buy (high)",
    "column.cart_abandonment": "Carts abandoned",
    "column.cart_abandonment_low": "Carts abandoned (low)",
    "column.cart_abandonment_high": "Carts abandoned (high)",
    "column.stage": "Step",
    "column.drop_off": "Drop-off",
    "column.session_id": "Visit",
    "column.device": "Device",
    "column.items": "Items",
    "column.last_cart": "Last added",
    "column.bought_later": "Bought later",
    "column.days_ago": "Days ago",
    "column.term": "Search term",
    "column.searches": "Searches",
    "column.zero_results": "Found nothing",
    "column.sessions_bought": "Visits that bought",
    "column.zero_result_share": "Share found nothing",
    "column.no_purchase_share": "Share of visits without purchase",
    "column.view_sessions": "Visits that viewed it",
    "column.bought_sessions": "Visits that viewed and bought it",
    "column.view_to_buy": "View to buy",
    "column.view_to_buy_low": "View to buy (low)",
    "column.view_to_buy_high": "View to buy (high)",
    "chart.journeys_funnel.y": "Step of the funnel",
    "chart.journeys_by.y": "{axis}",
    "ingest.reason.event_no_time": "the event has no time that can be read",
    "ingest.reason.event_unknown": "the event name is not one PromoLens knows (view, add to cart, remove from cart, "
                                   "search, wishlist, purchase)",
    "ingest.reason.event_unknown.value": "event name “{value}” is not one PromoLens knows (view, add to cart, remove "
                                         "from cart, search, wishlist, purchase)",
    "ingest.reason.event_no_visitor": "the event has neither a session id nor a customer id",
    "journeys.error.mapped_column": "The column “{column}” chosen for the events is not in the file. Its columns are: "
                                    "{columns}.",
    "journeys.report.headline": "{sessions:,} visits: {conversion:.1%} bought, {browse_to_buy:.1%} of those that "
                                "viewed a product bought, {abandonment:.1%} of carts were left behind (worth {value:money0} "
                                "in all).",
    "journeys.report.part_failed": "{part}: skipped ({reason})",
    "reports.step.journeys": "Journeys",
    "reports.table.events": "browsing events",
    "events.title": "Browsing events (for the Journeys page)",
    "events.lead": "A web-analytics export of what visitors did (views, cart adds, searches, purchases), from GA4, "
                   "Shopify or your own system. It is kept with the active dataset, whose customers made the visits, "
                   "and replaces the events the dataset had.",
    "events.no_dataset": "Open or upload a sales dataset first: browsing events belong to a dataset's customers "
                         "(they cannot be added to a connected source).",
    "events.protected": "This dataset is protected: customer ids (GA4's user_pseudo_id included) get the same "
                        "pseudonyms as its sales, so they still match, and e-mail addresses and phone numbers in "
                        "search terms are replaced.",
    "events.file": "Events file (CSV, Excel, Parquet)",
    "events.file.help": "One row per event: its time, the event (view, add to cart, remove from cart, search, wishlist, "
                        "purchase), the visit (session id) or the visitor (customer id), and optionally product, "
                        "search term, number of search results, channel, device and value. English and Chinese "
                        "headers, GA4 (event_name, event_timestamp, user_pseudo_id, ga_session_id, items.item_id) "
                        "and Shopify names are recognised.",
    "events.reading": "Reading {file} …",
    "events.current": "The dataset “{name}” holds {rows:,} browsing events from {file}; the Journeys page uses them.",
    "events.current.demo": "The demo retailer comes with its browsing events; the Journeys page uses them. Upload a "
                           "file here to replace them.",
    "events.metric.rows_in": "Rows in the file",
    "events.metric.rows_in.help": "Every row of the file: the events kept plus the rows set aside.",
    "events.metric.loaded": "Events kept",
    "events.metric.loaded.help": "Rows read as an event with its time, its kind and its visit or visitor.",
    "events.metric.quarantined": "Rows set aside",
    "events.metric.quarantined.help": "Rows that could not be an event, each with its reason below; nothing is "
                                      "dropped silently.",
    "events.mapping.lead": "Columns used: {columns}.",
    "events.mapping.change": "Change how the columns are read",
    "events.mapping.apply": "Read the file again with these columns",
    "events.reasons": "Rows set aside, by reason (the button downloads every one):",
    "segment.(no customer id)": "No customer id (guests)",
    "segment.(other)": "Customers without a segment",
    "missing.(unknown)": "(not given)",  # a channel or device the events leave empty
    # (end of journeys)
    # --- spend upload -------------------------------------------------------------------
    "spend_upload.title": "Marketing spend (for the Marketing ROI page)",
    "spend_upload.lead": "What you spent on each marketing channel (search, social, display, TV, e-mail, …), one row "
                         "per week or day and channel. It is kept with the active dataset and replaces the spend it "
                         "had; the Marketing ROI page then uses it.",
    "spend_upload.no_dataset": "Open or upload a sales dataset first: marketing spend is kept with a dataset, whose "
                               "sales it explains (it cannot be added to a connected source).",
    "spend_upload.protected": "This dataset is protected: the file's name is hidden and the reasons rows were set "
                              "aside never quote a value of the file.",
    "spend_upload.file": "Spend file (CSV, Excel, Parquet)",
    "spend_upload.file.help": "One row per period (week or day) and channel: the period's first day, the channel and "
                              "the spend; optionally impressions, clicks, the period's revenue (the same on each of its "
                              "rows) and control variables (price index, holiday, competitor event). English and "
                              "Chinese headers are recognised (e.g. “week”, “channel”, “spend” or “周”, “渠道”, “花费”).",
    "spend_upload.reading": "Reading {file} …",
    "spend_upload.current": "The dataset “{name}” holds {rows:,} rows of marketing spend from {file}; the Marketing "
                            "ROI page uses them.",
    "spend_upload.current.demo": "The demo retailer comes with weekly spend in five channels; the Marketing ROI page "
                                 "uses it. Upload a file here to replace it.",
    "spend_upload.metric.rows_in": "Rows in the file",
    "spend_upload.metric.rows_in.help": "Every row of the file: the rows kept plus the rows set aside.",
    "spend_upload.metric.loaded": "Spend rows kept",
    "spend_upload.metric.loaded.help": "Rows read with a period, a channel and a spend of zero or more.",
    "spend_upload.metric.quarantined": "Rows set aside",
    "spend_upload.metric.quarantined.help": "Rows that could not be read as spend, each with its reason below; nothing "
                                            "is dropped silently.",
    "spend_upload.mapping.lead": "Columns used: {columns}.",
    "spend_upload.mapping.change": "Change how the columns are read",
    "spend_upload.mapping.apply": "Read the file again with these columns",
    "spend_upload.reasons": "Rows set aside, by reason (the button downloads every one):",
    "spend_upload.role.week": "period (week or day)",
    "spend_upload.role.channel": "channel",
    "spend_upload.role.spend": "spend",
    "spend_upload.role.impressions": "impressions",
    "spend_upload.role.clicks": "clicks",
    "spend_upload.role.revenue": "revenue (KPI)",
    "spend_upload.role.price_index": "price index",
    "spend_upload.role.holiday": "holiday",
    "spend_upload.role.competitor_event": "competitor event",
    "spend_upload.role.region": "region (market, store)",
    "spend.error.columns": "The spend table needs a column for the period, the channel and the spend; not found: "
                           "{missing}. The file's columns are: {columns}. Rename a column (e.g. “week”, “channel”, "
                           "“spend”) and upload again.",
    "spend.error.mapped_column": "The column “{column}” chosen for the spend is not in the file. Its columns are: "
                                 "{columns}.",
    "ingest.reason.spend_no_period": "the period has no date that can be read",
    "ingest.reason.spend_no_channel": "the channel is empty",
    "ingest.reason.spend_not_number": "the spend is empty or not a number",
    "ingest.reason.spend_not_number.value": "spend “{value}” is not a number",
    "ingest.reason.spend_negative": "the spend is below zero",
    "ingest.reason.spend_negative.value": "spend “{value}” is below zero",
    # (end of spend upload)
}
