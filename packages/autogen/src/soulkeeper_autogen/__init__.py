"""soulkeeper for AutoGen: a persona model context and model client that keep a persona intact."""
