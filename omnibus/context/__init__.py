"""Local context: official statistics about each unit, loaded as dated indicators beside the survey."""
