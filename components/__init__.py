"""Dash building blocks shared by the pages: figure builders, component IDs and user-facing text.

Unlike :mod:`resilience`, this package may import Dash and Plotly; it must not hold model logic.
"""
