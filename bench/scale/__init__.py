"""What the benchmarks share: a campaign at scale (campaign.py) and the dashboard measured on it (dashboard.py).
Modules, not scripts: `make bench` runs only the files directly in bench/."""
