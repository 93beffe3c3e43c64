"""Kizuna's resilience engine: who has power in a grid outage, and for how long.

A pure library (no Dash). The main entry points:

- :func:`simulate` plays an outage scenario on a city, hour by hour;
- :func:`survival_sweep` is REopt's outage-survival measure over 8,760 start hours,
  for a :class:`BackupSystem` (a battery and a generator);
- :func:`v2h_backup` estimates one :class:`Household`'s backup from its car.

Inputs are the typed records of :mod:`resilience.records`; bad input raises
:class:`KizunaInputError`.
"""

from importlib import import_module

# Loaded on first use, so that importing one record type does not pull in pvlib and numba.
_EXPORTS = {
    "City": "resilience.records",
    "DieselSupply": "resilience.records",
    "District": "resilience.records",
    "EVFleet": "resilience.records",
    "Facility": "resilience.records",
    "Household": "resilience.records",
    "PetrolSupply": "resilience.records",
    "Scenario": "resilience.records",
    "SurvivalSetup": "resilience.records",
    "KizunaInputError": "resilience.errors",
    "Result": "resilience.citysim",
    "simulate": "resilience.citysim",
    "SurvivalResult": "resilience.survival",
    "survival_sweep": "resilience.survival",
    "survival_trace": "resilience.survival",
    "BackupSystem": "resilience.systems",
    "SurvivalInputs": "resilience.systems",
    "V2HEstimate": "resilience.v2h",
    "v2h_backup": "resilience.v2h",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'resilience' has no attribute {name!r}")
