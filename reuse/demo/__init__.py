"""The Morlaix Communauté demo territory, seeded with a year of generated history."""

from reuse.demo.logins import DemoLogin
from reuse.demo.seed import DemoSummary, seed_demo
from reuse.demo.territory import ReferenceDataMissing

__all__ = ["DemoLogin", "DemoSummary", "ReferenceDataMissing", "seed_demo"]
