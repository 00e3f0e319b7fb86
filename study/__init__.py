"""hplab's study package."""
