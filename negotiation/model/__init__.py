"""The validated scenario model, the outcome grid and vectorised utilities."""
