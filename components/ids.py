"""Every Dash component ID used in the app, in one place.

Callbacks, pages and browser tests import these constants instead of repeating string
literals, so a renamed ID cannot silently break a callback or a test.
"""

TOP_BAR = "top-bar"
NAV = "top-nav"
PAGE_CONTENT = "page-content"

HOME_MAP = "home-district-map"
HOME_SUMMARY = "home-summary"
