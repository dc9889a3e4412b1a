"""The Streamlit app: CX designers explore the real journey against the one they designed.

Start it with ``journeymap app`` (or ``streamlit run app.py`` in a clone of the repository).

- ``main.py`` is the entry script: it only assembles the pages;
- one small script per page (``data.py``, ``journey_map.py``, ``frictions.py``, ``target.py``,
  ``variants.py``, ``segments.py``, ``export.py``);
- ``state.py`` initialises session state in one place;
- ``loaders.py`` caches reading, filtering and mining, keyed on the file's hash and the
  settings; ``context.py`` runs that pipeline once per rerun for every page;
- ``ui.py`` holds the small display helpers the pages share.

Every number on a page comes from the package, so it agrees with an analyst's script.
"""

from pathlib import Path

ENTRY = Path(__file__).with_name("main.py")
"""The script ``streamlit run`` starts (``journeymap app`` passes this path)."""

__all__ = ["ENTRY"]
