"""Publishing stage: the metric views as a static site (HTML, SVG charts, CSV and JSON downloads)."""
