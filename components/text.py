"""User-facing strings of the app, keyed by where they appear.

All text shown to a user lives here so that a translation can be added as a second
mapping with the same keys. Strings with ``{placeholders}`` are filled with
:meth:`str.format` by the page that shows them.
"""

from types import MappingProxyType

TEXT = MappingProxyType(
    {
        "app.name": "Kizuna",
        "app.tagline": "Energy security in grid outages",
        "app.footer": "Kizuna — open-source planning dashboard for EVs, diesel and rooftop PV in grid outages.",
        "nav.home": "Home",
        "home.page_title": "Kizuna — Saitama City households by ward",
        "home.title": "Saitama City — households by ward",
        "home.intro": (
            "Registered households in each of Saitama City's wards on 1 September 2025. "
            "Households are where EVs can back up homes through V2H, so this is the scale "
            "every later estimate starts from. Hover over a ward for its figures."
        ),
        "home.summary": "{wards} wards · {households:,} households · {population:,} residents",
        "home.map_label": "Households",
        "home.hover_ward_en": "Ward",
        "home.hover_ward_ja": "区名",
        "home.hover_population": "Population",
        "home.source_boundaries": (
            "Boundaries: 出典：国土数値情報（行政区域データ）（国土交通省）（N03-21）を加工して作成 — "
            "MLIT National Land Numerical Information, Administrative Areas (N03, 2021), CC BY 4.0, "
            "simplified by Kizuna."
        ),
        "home.source_statistics": (
            "Households and population: Saitama City, 令和7年9月1日現在の人口・世帯数 "
            "(Basic Resident Register, 1 September 2025)."
        ),
    }
)
