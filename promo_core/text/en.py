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
    "clv.error.holdout_length": "The data covers {days} days; a {holdout_days}-day holdout needs at least twice as "
                                "long before it. Choose a holdout of 7 to {longest} days.",
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

    # --- data (ingestion, the front door) ------------------------------------------------
    "data.progress.reading": "Reading {file}: {mb:,.0f} of {total_mb:,.0f} MB",
    "data.progress.checking": "Checking every row of {file} (types, plausible values, duplicates)…",
    "data.progress.saving": "Saving to the workspace: {rows:num} of {total:num} rows",
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
    # (end of data)

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
    "experiments.p.below": "p < 0.001",
    "experiments.p.value": "p = {p:.3f}",
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
                            "p = {p:.2g}). The randomisation or the data export is probably broken — check it before "
                            "trusting any lift below.",
    "coupons.srm.healthy": "The arms' sizes match the intended split (χ² = {chi2:.2f}, p = {p:.2f}): the randomisation "
                           "looks healthy.",
    "coupons.lift.points": "{value:+.{digits}f} pts",
    "coupons.lift.money.up": "+{value:money}",
    "coupons.lift.money.down": "-{value:money}",
    "coupons.metric.interval": "{low} … {high}",
    "coupons.metric.per_point": "rate in points",
    "coupons.metric.per_customer": "per customer",
    "coupons.metric.lift.help": "Lift over {control} ({per}); 95% CI {interval}; p = {p:.2g} (Holm-adjusted). The "
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
    "report.coupons.split": "Group sizes match an even split (χ² p = {p:.3f}).",
    "report.coupons.split_off": "Group sizes do not match an even split (χ² p = {p:.3f}): check how customers were "
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
                                "customers bought from this day on.",
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

    # --- reports -------------------------------------------------------------------------
    # (end of reports)
}
