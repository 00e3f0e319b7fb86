"""hplab's reports package."""
