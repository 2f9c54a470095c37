"""The organizers' dashboard: counts kept up to date at push time, and the one request that reads them."""
