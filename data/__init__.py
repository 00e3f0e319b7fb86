"""hplab's data package."""
