"""hplab's analyses package."""
