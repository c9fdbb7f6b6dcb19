"""The scenario file format: YAML reading, schema and validation."""

from .load import load_scenario, scenario_from_dict

__all__ = ["load_scenario", "scenario_from_dict"]
