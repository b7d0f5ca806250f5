#!/usr/bin/env bash
# Install everything the app needs into ./.venv and start it; it opens on the demo retailer.
source "$(dirname "$0")/_venv.sh" requirements.txt
exec .venv/bin/python -m streamlit run app.py --browser.gatherUsageStats false "$@"
