"""Platform administration: territories, sites, actors, users, taxonomy and factor sets."""
