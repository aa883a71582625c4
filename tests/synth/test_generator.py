"""The synthetic caseload generator: determinism, the file contract, calibration."""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections import Counter
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from matcher.errors import ParameterError
from matcher.synth import (
    DEMO_AS_OF,
    DEMO_MENTEES,
    DEMO_MENTORS,
    FILES,
    HEADERS,
    MAX_ROWS,
    calibration,
    generate,
    generate_csv,
    geography,
    write_demo,
)
from matcher.vocab import (
    AVAILABILITY_SLOTS,
    CONTACT_FREQUENCIES,
    CONTACT_MODES,
    CUSTODY,
    ETHNICITIES,
    GENDERS,
    GOALS,
    MENTEE_GENDER_REQUIREMENTS,
    MENTOR_GENDER_WISHES,
    RISKS,
    STRENGTHS,
)

AS_OF = date(2026, 1, 5)
DEMO_DIR = Path(str(resources.files("matcher") / "data" / "demo"))
ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
TOKEN = re.compile(r"^[a-z0-9_]+$")
Rows = list[dict[str, str]]


def rows(text: str) -> Rows:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def split(cell: str) -> list[str]:
    return cell.split(";") if cell else []


def within(observed: int, n: int, p: float, k: float = 4.0) -> bool:
    """Observed count is within k standard errors of n * p."""
    se = math.sqrt(p * (1 - p) / n)
    return abs(observed / n - p) <= k * se


@pytest.fixture(scope="module")
def big() -> dict[str, Rows]:
    """20,000 mentees and 5,000 mentors: enough for proportions to ~0.5 percentage points."""
    texts = generate_csv(20_000, 5_000, seed=12345, as_of=AS_OF)
    return {kind: rows(text) for kind, text in texts.items()}


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    a = generate(1500, 400, 7, tmp_path / "a")
    b = generate(1500, 400, 7, tmp_path / "b")
    assert sorted(a) == sorted(HEADERS)
    for kind in HEADERS:
        assert a[kind].name == FILES[kind]
        assert a[kind].read_bytes() == b[kind].read_bytes(), kind


def test_different_seed_gives_different_people(tmp_path: Path) -> None:
    a = generate_csv(200, 50, 1)
    b = generate_csv(200, 50, 2)
    assert a["mentees"] != b["mentees"] and a["mentors"] != b["mentors"]
    assert a["prisons"] == b["prisons"]


def test_files_equal_in_memory_text(tmp_path: Path) -> None:
    paths = generate(300, 80, 3, tmp_path)
    texts = generate_csv(300, 80, 3)
    for kind, path in paths.items():
        assert path.read_bytes() == texts[kind].encode("utf-8")


def test_mentee_stream_does_not_depend_on_mentor_count() -> None:
    a, b = rows(generate_csv(500, 0, 9)["mentees"]), rows(generate_csv(500, 120, 9)["mentees"])
    for r in (*a, *b):
        r.pop("exclude_mentors")
    assert a == b


def test_bundled_demo_is_the_documented_generation(tmp_path: Path) -> None:
    """matcher/data/demo holds generate(300, 80, 20260105, as_of=2026-01-05), byte for byte.

    If numpy changes its random streams, regenerate with ``matcher.synth.write_demo()``.
    """
    fresh = write_demo(tmp_path)
    assert (DEMO_MENTEES, DEMO_MENTORS, DEMO_AS_OF) == (300, 80, AS_OF)
    for kind, path in fresh.items():
        assert (DEMO_DIR / FILES[kind]).read_bytes() == path.read_bytes(), kind


# --------------------------------------------------------------------------- file format


def test_format_utf8_lf_exact_headers(tmp_path: Path) -> None:
    paths = generate(400, 100, 5, tmp_path)
    for kind, path in paths.items():
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in raw and raw.endswith(b"\n")
        lines = raw.decode("utf-8").split("\n")[:-1]
        assert tuple(lines[0].split(",")) == HEADERS[kind]
        assert all(line.count(",") == len(HEADERS[kind]) - 1 for line in lines), kind
        assert '"' not in raw.decode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES.values())


def test_headers_match_the_models() -> None:
    models = pytest.importorskip("matcher.models")
    for kind, header in HEADERS.items():
        fields = models.MODELS[kind].model_fields
        # Every field in model order; optional trailing ones (relationship dates) may be left out.
        assert header == tuple(fields)[: len(header)], kind
        assert all(not fields[f].is_required() for f in tuple(fields)[len(header) :]), kind


def test_mentee_cells_are_in_the_vocabulary(big: dict[str, Rows]) -> None:
    codes = {p["code"] for p in big["prisons"]}
    mentor_ids = {m["id"] for m in big["mentors"]}
    ids = [e["id"] for e in big["mentees"]]
    assert len(set(ids)) == len(ids) and all(ID.match(i) for i in ids)
    for e in big["mentees"]:
        assert e["gender"] in GENDERS and e["ethnicity"] in ETHNICITIES
        assert e["age"] == "" or 18 <= int(e["age"]) <= 90
        assert e["faith"] == "" or TOKEN.match(e["faith"])
        langs = split(e["languages"])
        assert langs and all(TOKEN.match(x) for x in langs) and len(set(langs)) == len(langs)
        goals = split(e["goals"])
        assert goals and set(goals) <= set(GOALS) and len(set(goals)) == len(goals)
        assert e["mentor_gender"] in MENTOR_GENDER_WISHES
        for f in ("mentor_gender_strength", "ethnicity_match", "faith_match",
                  "lived_experience"):  # fmt: skip
            assert e[f] in STRENGTHS
        assert (e["mentor_gender"] == "any") == (e["mentor_gender_strength"] == "none")
        assert e["contact_frequency"] in CONTACT_FREQUENCIES
        assert split(e["contact_modes"]) and set(split(e["contact_modes"])) <= set(CONTACT_MODES)
        slots = split(e["availability"])
        assert slots and set(slots) <= set(AVAILABILITY_SLOTS)
        assert e["custody"] in CUSTODY and e["risk"] in RISKS
        assert e["region"] in geography.REGIONS
        assert 49.5 < float(e["lat"]) < 56 and -6 < float(e["lon"]) < 2
        assert re.fullmatch(r"-?\d+\.\d{5}", e["lat"]) and re.fullmatch(r"-?\d+\.\d{5}", e["lon"])
        if e["custody"] == "custody":
            assert e["prison"] in codes
            released = date.fromisoformat(e["release_date"])
            assert AS_OF < released <= AS_OF + timedelta(days=550)
        else:
            assert e["prison"] == "" and e["release_date"] == ""
        assert e["support_hours"] == "" or float(e["support_hours"]) > 0
        assert e["priority"] == "" or float(e["priority"]) >= 0
        assert set(split(e["exclude_mentors"])) <= mentor_ids


def test_mentor_cells_are_in_the_vocabulary(big: dict[str, Rows]) -> None:
    codes = {p["code"] for p in big["prisons"]}
    sup_ids = {s["id"] for s in big["supervisors"]}
    ids = [m["id"] for m in big["mentors"]]
    assert len(set(ids)) == len(ids) and all(ID.match(i) for i in ids)
    for m in big["mentors"]:
        assert m["gender"] in GENDERS and m["ethnicity"] in ETHNICITIES
        assert m["age"] == "" or 18 <= int(m["age"]) <= 90
        assert "english" in split(m["languages"])
        assert m["lived_experience"] in ("true", "false")
        assert split(m["specialisms"]) and set(split(m["specialisms"])) <= set(GOALS)
        assert m["contact_frequency"] in CONTACT_FREQUENCIES
        assert split(m["contact_modes"]) and set(split(m["contact_modes"])) <= set(CONTACT_MODES)
        assert split(m["availability"]) and set(split(m["availability"])) <= set(AVAILABILITY_SLOTS)
        assert 10 <= float(m["max_travel_km"]) <= 60
        assert set(split(m["prisons"])) <= codes and len(split(m["prisons"])) <= 3
        assert m["max_risk"] in RISKS and m["mentee_gender"] in MENTEE_GENDER_REQUIREMENTS
        assert 1 <= int(m["capacity"]) <= 4 and float(m["max_hours"]) >= 1
        if m["available_until"]:
            assert date.fromisoformat(m["available_until"]) > AS_OF
        assert m["supervisor"] == "" or m["supervisor"] in sup_ids
        assert m["region"] in geography.REGIONS


def test_relationships_respect_capacity(big: dict[str, Rows]) -> None:
    mentors = {m["id"]: m for m in big["mentors"]}
    mentee_ids = {e["id"] for e in big["mentees"]}
    ex = big["existing"]
    assert ex, "a caseload this size has running relationships"
    assert len({r["mentee_id"] for r in ex}) == len(ex)
    count: Counter[str] = Counter()
    hours: dict[str, float] = {}
    for r in ex:
        assert r["mentee_id"] not in mentee_ids and ID.match(r["mentee_id"])
        assert r["mentor_id"] in mentors
        count[r["mentor_id"]] += 1
        h = float(r["hours"]) if r["hours"] else calibration.EXISTING_DEFAULT_HOURS
        hours[r["mentor_id"]] = hours.get(r["mentor_id"], 0.0) + h
    for mid, k in count.items():
        assert k <= int(mentors[mid]["capacity"])
        assert hours[mid] <= float(mentors[mid]["max_hours"])
    running: Counter[str] = Counter()
    for mid, k in count.items():
        running[mentors[mid]["supervisor"]] += k
    for s in big["supervisors"]:
        assert ID.match(s["id"]) and running[s["id"]] <= int(s["capacity"])


def test_prisons_are_real_sites_with_unique_codes(big: dict[str, Rows]) -> None:
    prisons = big["prisons"]
    assert len(prisons) == len(geography.PRISONS) > 100
    assert len({p["code"] for p in prisons}) == len(prisons)
    assert all(re.fullmatch(r"[A-Z]{3}", p["code"]) for p in prisons)
    assert all("," not in p["name"] and 49.5 < float(p["lat"]) < 56 for p in prisons)


@pytest.mark.parametrize(("n", "m"), [(0, 0), (5, 0), (0, 5), (1, 1)])
def test_edge_sizes(tmp_path: Path, n: int, m: int) -> None:
    paths = generate(n, m, 0, tmp_path)
    texts = {k: p.read_text(encoding="utf-8") for k, p in paths.items()}
    assert len(rows(texts["mentees"])) == n and len(rows(texts["mentors"])) == m
    if m == 0:
        assert texts["supervisors"] == "id,capacity\n"
        assert texts["existing"] == "mentee_id,mentor_id,hours\n"
        assert all(r["exclude_mentors"] == "" for r in rows(texts["mentees"]))


# --------------------------------------------------------------------------- calibration


def _check_shares(counts: Counter[str], expected: dict[str, float]) -> None:
    n = sum(counts.values())
    total = sum(expected.values())
    for key, p in expected.items():
        assert within(counts[key], n, p / total), (key, counts[key] / n, p / total)


def test_sex_is_about_96_percent_male(big: dict[str, Rows]) -> None:
    c = Counter(e["gender"] for e in big["mentees"])
    binary = Counter({k: c[k] for k in ("male", "female")})
    _check_shares(binary, {"male": 0.96, "female": 0.04})
    assert (c["non_binary"] + c["undisclosed"]) / len(big["mentees"]) < 0.01


def test_ethnicity_matches_march_2024(big: dict[str, Rows]) -> None:
    _check_shares(
        Counter(e["ethnicity"] for e in big["mentees"]),
        {"white": 71.8, "black": 12.1, "asian": 8.0, "mixed": 4.8, "other": 2.0,
         "undisclosed": 1.2},
    )  # fmt: skip


def test_age_matches_march_2024(big: dict[str, Rows]) -> None:
    ages = [int(e["age"]) for e in big["mentees"] if e["age"]]
    assert len(ages) > 0.95 * len(big["mentees"])

    def band(a: int) -> str:
        return "18-20" if a <= 20 else "20s" if a <= 29 else "30s" if a <= 39 else "40+"

    assert min(ages) >= 18
    _check_shares(
        Counter(band(a) for a in ages), {"18-20": 3.8, "20s": 24.3, "30s": 33.4, "40+": 38.5}
    )


def test_religion_matches_march_2024(big: dict[str, Rows]) -> None:
    faiths = [e["faith"] for e in big["mentees"] if e["faith"]]
    grouped = Counter(f if f in ("christian", "none", "muslim") else "other" for f in faiths)
    _check_shares(grouped, {"christian": 44.5, "none": 30.9, "muslim": 18.1, "other": 6.5})


def test_custody_mix_and_release_spread(big: dict[str, Rows]) -> None:
    mentees = big["mentees"]
    custody = [e for e in mentees if e["custody"] == "custody"]
    assert within(len(custody), len(mentees), calibration.CUSTODY_SHARE)
    days = sorted((date.fromisoformat(e["release_date"]) - AS_OF).days for e in custody)
    assert days[0] >= 21 and days[-1] <= 548
    soon = sum(d <= 90 for d in days) / len(days)
    late = sum(d > 365 for d in days) / len(days)
    assert 0.12 < soon < 0.26 and 0.08 < late < 0.2  # spread over the coming months
    # women are held in the women's estate
    female_sites = {p.code for p in geography.PRISONS if p.estate == "female"}
    for e in custody:
        assert (e["prison"] in female_sites) == (e["gender"] == "female")


def test_mostly_released_to_the_region_of_their_prison(big: dict[str, Rows]) -> None:
    region = {p.code: p.region for p in geography.PRISONS}
    men = [e for e in big["mentees"] if e["custody"] == "custody" and e["gender"] != "female"]
    same = sum(region[e["prison"]] == e["region"] for e in men) / len(men)
    assert same > 0.75


def test_every_region_is_populated(big: dict[str, Rows]) -> None:
    assert len(geography.REGIONS) == 12
    _check_shares(Counter(e["region"] for e in big["mentees"]), geography.REGION_WEIGHT)
    assert {m["region"] for m in big["mentors"]} == set(geography.REGIONS)


def test_preferences_are_mostly_none(big: dict[str, Rows]) -> None:
    n = len(big["mentees"])
    for f in ("mentor_gender_strength", "ethnicity_match", "faith_match", "lived_experience"):
        c = Counter(e[f] for e in big["mentees"])
        assert c["none"] / n > 0.6, f
        assert 0 < c["required"] < c["preferred"], f
    women = [e for e in big["mentees"] if e["gender"] == "female"]
    assert sum(e["mentor_gender"] != "any" for e in women) / len(women) > 0.4
    # a stated faith or ethnicity match always has something to match on
    for e in big["mentees"]:
        if e["faith_match"] != "none":
            assert e["faith"] not in ("", "none")
        if e["ethnicity_match"] != "none":
            assert e["ethnicity"] != "undisclosed"
        if e["mentor_gender"] == "same":
            assert e["gender"] != "undisclosed"
    english = sum("english" in split(e["languages"]) for e in big["mentees"]) / n
    assert english > 0.97


def test_mentor_pool_is_volunteer_like_and_tight(big: dict[str, Rows]) -> None:
    mentors, mentees = big["mentors"], big["mentees"]
    g = Counter(m["gender"] for m in mentors)
    assert g["female"] > g["male"]
    lived = sum(m["lived_experience"] == "true" for m in mentors) / len(mentors)
    assert within(round(lived * len(mentors)), len(mentors), calibration.MENTOR_LIVED_EXPERIENCE)
    assert 0.3 < sum(bool(m["prisons"]) for m in mentors) / len(mentors) < 0.7
    seats = sum(int(m["capacity"]) for m in mentors) - len(big["existing"])
    assert 0.4 * len(mentees) < seats < len(mentees)  # fewer seats than referrals
    supervised = [m for m in mentors if m["supervisor"]]
    assert 0.85 < len(supervised) / len(mentors) < 0.95
    per = Counter(m["supervisor"] for m in supervised)
    assert (
        len(per) == len(big["supervisors"])
        and max(per.values()) <= calibration.MENTORS_PER_SUPERVISOR
    )
    regions = {s: {m["region"] for m in supervised if m["supervisor"] == s} for s in list(per)[:50]}
    assert all(len(r) == 1 for r in regions.values())  # supervisors work within a region


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_mentees": -1}, "The 'n_mentees' parameter of generate must be an int >= 0"),
        ({"n_mentees": 2.0}, "'n_mentees' parameter"),
        ({"n_mentees": True}, "'n_mentees' parameter"),
        ({"n_mentors": "5"}, "'n_mentors' parameter"),
        ({"n_mentors": MAX_ROWS + 1}, "'n_mentors' parameter"),
        ({"seed": -3}, "The 'seed' parameter of generate must be an int >= 0, got -3 instead"),
        ({"seed": None}, "'seed' parameter"),
        ({"as_of": "2026-01-05"}, "'as_of' parameter"),
        ({"as_of": datetime(2026, 1, 5)}, "'as_of' parameter"),
    ],
)
def test_bad_parameters_raise(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"n_mentees": 3, "n_mentors": 1, "seed": 0, "out_dir": tmp_path}
    args.update(kwargs)
    with pytest.raises(ParameterError, match=re.escape(message)):
        generate(**args)
    assert list(tmp_path.iterdir()) == []


def test_out_dir_must_be_a_directory(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ParameterError, match="'out_dir' parameter of generate"):
        generate(1, 1, 0, f)
    with pytest.raises(ParameterError, match="'out_dir' parameter of generate"):
        generate(1, 1, 0, 42)  # type: ignore[arg-type]


def test_out_dir_is_created_and_files_replaced(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir"
    generate(10, 3, 1, out)
    first = (out / "mentees.csv").read_bytes()
    generate(20, 3, 2, out)
    assert (out / "mentees.csv").read_bytes() != first
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES.values())


def test_failed_write_leaves_no_partial_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        generate(50, 10, 1, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_as_of_moves_the_dates() -> None:
    a = rows(generate_csv(200, 10, 4, as_of=date(2026, 1, 5))["mentees"])
    b = rows(generate_csv(200, 10, 4, as_of=date(2027, 1, 5))["mentees"])
    for x, y in zip(a, b, strict=True):
        if x["release_date"]:
            shift = date.fromisoformat(y["release_date"]) - date.fromisoformat(x["release_date"])
            assert shift == timedelta(days=365)


# --------------------------------------------------------------------------- loaders


def test_output_loads_with_the_package_loaders(tmp_path: Path) -> None:
    mio = pytest.importorskip("matcher.io")
    paths = generate(3000, 800, 21, tmp_path)
    for kind in HEADERS:
        loader = getattr(mio, f"load_{kind}", None)
        if loader is None:
            pytest.skip(f"matcher.io.load_{kind} not available")
        assert len(loader(paths[kind])) == len(rows(paths[kind].read_text(encoding="utf-8")))
    if hasattr(mio, "load_caseload"):
        caseload = mio.load_caseload(**paths)
        assert caseload.warnings == ()


def test_existing_default_hours_follow_the_config() -> None:
    config = pytest.importorskip("matcher.config")
    assert config.Config().support_hours.existing == calibration.EXISTING_DEFAULT_HOURS


def test_bundled_demo_loads() -> None:
    mio = pytest.importorskip("matcher.io")
    caseload = mio.load_caseload(**{k: DEMO_DIR / f for k, f in FILES.items()})
    assert caseload.counts()["mentees"] == 300 and caseload.counts()["mentors"] == 80
    assert caseload.warnings == ()
