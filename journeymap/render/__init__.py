"""Drawings and documents from a mined journey: the journey-map canvas, the process map,
a slide deck and a self-contained HTML report.

Renderers read models (:class:`journeymap.JourneyMap`, a target journey and its comparison)
and compute no statistics. matplotlib runs on the Agg backend, selected here and never at
``import journeymap``. Graphviz draws the process map when it is installed; otherwise a
built-in layered layout does.

>>> import journeymap as jm
>>> log = jm.read_log("sample_logs/online_shop.csv")              # doctest: +SKIP
>>> jmap = jm.mine(log, goal="Order confirmed")                   # doctest: +SKIP
>>> fig = jm.render.journey_map(jmap)                             # doctest: +SKIP
>>> open("map.png", "wb").write(jm.render.figure_bytes(fig))      # doctest: +SKIP
"""

from journeymap.render.canvas import journey_map
from journeymap.render.deck import deck, deck_bytes
from journeymap.render.export import EXPORT_FORMATS, export, load_mined
from journeymap.render.output import FIGURE_FORMATS, SIZES, figure_bytes, save_figure
from journeymap.render.process_map import (
    RenderError,
    graphviz_available,
    process_map_dot,
    process_map_png,
    process_map_svg,
)
from journeymap.render.report import report_html

__all__ = [
    "EXPORT_FORMATS",
    "FIGURE_FORMATS",
    "SIZES",
    "RenderError",
    "deck",
    "deck_bytes",
    "export",
    "figure_bytes",
    "graphviz_available",
    "journey_map",
    "load_mined",
    "process_map_dot",
    "process_map_png",
    "process_map_svg",
    "report_html",
    "save_figure",
]
