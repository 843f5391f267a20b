"""The product's curated reference data: taxonomy, unit weights, CO2e factors, demo territory."""
