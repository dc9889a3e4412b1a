"""The journeymap app: `streamlit run app.py` (or `journeymap app` once installed)."""

from journeymap.app.main import run

run()
