"""Who did what, when, in which campaign."""
