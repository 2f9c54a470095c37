"""The reader streams: memory stays flat however long the file, and it reads fast enough for 1M rows a minute.

Run as a script to measure reading and normalising speed on one core:

    .venv/bin/python tests/server/voters/test_reader_scale.py [rows]    # default 200000
"""

import random
import sys
import time
import tracemalloc
from pathlib import Path

from server.voters.reader import open_voter_file

# the North Carolina ncvoter layout of 02/2022, every column, in the state's order
NC_COLUMNS = (
    "county_id", "county_desc", "voter_reg_num", "ncid", "last_name", "first_name", "middle_name", "name_suffix_lbl",
    "status_cd", "voter_status_desc", "reason_cd", "voter_status_reason_desc", "res_street_address", "res_city_desc",
    "state_cd", "zip_code", "mail_addr1", "mail_addr2", "mail_addr3", "mail_addr4", "mail_city", "mail_state",
    "mail_zipcode", "full_phone_number", "confidential_ind", "registr_dt", "race_code", "ethnic_code", "party_cd",
    "gender_code", "birth_year", "age_at_year_end", "birth_state", "drivers_lic", "precinct_abbrv", "precinct_desc",
    "municipality_abbrv", "municipality_desc", "ward_abbrv", "ward_desc", "cong_dist_abbrv", "super_court_abbrv",
    "judic_dist_abbrv", "nc_senate_abbrv", "nc_house_abbrv", "county_commiss_abbrv", "county_commiss_desc",
    "township_abbrv", "township_desc", "school_dist_abbrv", "school_dist_desc", "fire_dist_abbrv", "fire_dist_desc",
    "water_dist_abbrv", "water_dist_desc", "sewer_dist_abbrv", "sewer_dist_desc", "sanit_dist_abbrv",
    "sanit_dist_desc", "rescue_dist_abbrv", "rescue_dist_desc", "munic_dist_abbrv", "munic_dist_desc",
    "dist_1_abbrv", "dist_1_desc", "vtd_abbrv", "vtd_desc",
)
FIRST = ("JAMES", "MARY", "ROBERT", "PATRICIA", "JOHN", "JENNIFER", "MICHAEL", "LINDA", "JOSÉ", "ANA", "NGUYEN")
LAST = ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MUÑOZ", "DAVIS", "RODRIGUEZ", "O'NEIL")
STREETS = ("MAIN ST", "OAK AVE", "PINE RD", "MAPLE DR", "CEDAR LN", "W HARGETT ST", "LAKE VIEW CT APT 4")
CITIES = ("RALEIGH", "DURHAM", "CHARLOTTE", "GREENSBORO", "WINSTON SALEM", "CARY", "CHAPEL HILL")
AREA_CODES = ("919", "984", "704", "980", "336", "743", "828", "910", "252")


def write_nc_file(path: Path, rows: int, *, phone_share: float = 0.6, seed: int = 2026) -> Path:
    """A tab-delimited ncvoter file, CRLF, blanks written as one space as the state does; most rows have a phone."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(NC_COLUMNS) + "\r\n")
        for n in range(rows):
            row = dict.fromkeys(NC_COLUMNS, " ")
            row.update(
                county_id=str(rng.randint(1, 100)), county_desc="WAKE", voter_reg_num=str(rng.randint(1, 10 ** 9)),
                ncid=f"AA{n:08d}", last_name=rng.choice(LAST), first_name=rng.choice(FIRST),
                middle_name=rng.choice(FIRST), status_cd="A", voter_status_desc="ACTIVE",
                res_street_address=f"{rng.randint(1, 9999)} {rng.choice(STREETS)}", res_city_desc=rng.choice(CITIES),
                state_cd="NC", zip_code=str(rng.randint(27000, 28999)), party_cd=rng.choice(("DEM", "REP", "UNA")),
                birth_year=str(rng.randint(1920, 2007)), registr_dt=f"{rng.randint(1, 12):02d}/01/2001",
                precinct_abbrv=f"{rng.randint(1, 99):02d}-{rng.randint(1, 20):02d}",
                cong_dist_abbrv=str(rng.randint(1, 14)), nc_senate_abbrv=str(rng.randint(1, 50)),
                nc_house_abbrv=str(rng.randint(1, 120)),
            )
            if rng.random() < phone_share:
                row["full_phone_number"] = rng.choice(AREA_CODES) + str(rng.randint(2_000_000, 9_999_999))
            out.write("\t".join(row[column] for column in NC_COLUMNS) + "\r\n")
    return path


def peak_while_reading(path: Path) -> tuple[int, int]:
    """(rows read, peak bytes allocated by Python while opening and reading the whole file)."""
    tracemalloc.start()
    try:
        with open_voter_file(path, reference_year=2026) as reader:
            count = sum(1 for row in reader if row.voter is not None)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_100k_rows_keeps_memory_flat(tmp_path):
    small = write_nc_file(tmp_path / "small.tsv", 10_000)
    large = write_nc_file(tmp_path / "large.tsv", 100_000)
    assert large.stat().st_size > 20 * 2 ** 20  # larger than the budget below
    small_rows, small_peak = peak_while_reading(small)
    large_rows, large_peak = peak_while_reading(large)
    assert (small_rows, large_rows) == (10_000, 100_000)
    assert large_peak < 20 * 2 ** 20
    assert large_peak < small_peak + 2 * 2 ** 20  # ten times the rows, about the same memory


def benchmark(rows: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = write_nc_file(Path(folder) / "ncvoter.tsv", rows)
        size = path.stat().st_size
        start = time.perf_counter()
        with open_voter_file(path, reference_year=2026) as reader:
            kept = phones = 0
            for row in reader:
                kept += row.voter is not None
                phones += len(row.phones)
        seconds = time.perf_counter() - start
    print(f"{rows:,} rows ({size / 2 ** 20:.0f} MB, {kept:,} kept, {phones:,} phones) read and normalised "
          f"in {seconds:.2f} s: {rows / seconds:,.0f} rows/s")


if __name__ == "__main__":
    benchmark(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
