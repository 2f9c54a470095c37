"""What Kin keeps, for how long, and each volunteer's own rights over it."""
