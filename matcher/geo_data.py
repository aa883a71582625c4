"""Static geography for the synthetic caseload: probation regions, towns and prison sites.

Everything here is reference data for :mod:`matcher.generate`; the matching engine itself
never reads it. Coordinates are **approximate** (town centres, or the centre of a prison's
postcode district as the authors know it), rounded to about 0.01 degrees (~1 km): good
enough to place synthetic people at realistic distances, not to find a building.

Sources and assumptions are listed in ``docs/synthetic.md``.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "PRISONS",
    "PRISON_KIND_WEIGHT",
    "REGIONS",
    "REGION_NAMES",
    "REGION_WEIGHT",
    "TOWNS",
    "Prison",
    "Town",
]


class Town(NamedTuple):
    """A population centre that synthetic people live near."""

    name: str
    region: str
    lat: float
    lon: float
    #: Approximate population in thousands (a sampling weight, not an official figure).
    pop_k: float


class Prison(NamedTuple):
    """A prison site of England and Wales."""

    code: str
    name: str
    region: str
    lat: float
    lon: float
    #: ``male`` or ``female``: the estate the site belongs to.
    estate: str
    #: Predominant function (2017 list, simplified): local, cat_b, cat_c, open,
    #: high_security, yoi or female.
    kind: str


# The 12 probation regions of England and Wales (HM Prison and Probation Service, since the
# 2021 unification of probation), as lowercase tokens, in a fixed order.
REGION_NAMES: dict[str, str] = {
    "north_east": "North East",
    "north_west": "North West",
    "greater_manchester": "Greater Manchester",
    "yorkshire_humber": "Yorkshire and the Humber",
    "east_midlands": "East Midlands",
    "west_midlands": "West Midlands",
    "east_of_england": "East of England",
    "wales": "Wales",
    "south_west": "South West",
    "south_central": "South Central",
    "london": "London",
    "kent_surrey_sussex": "Kent, Surrey and Sussex",
}
REGIONS: tuple[str, ...] = tuple(REGION_NAMES)

# Relative share of the caseload living in each region. An assumption (roughly the regions'
# populations with an uplift for the big conurbations), not an official caseload figure.
REGION_WEIGHT: dict[str, float] = {
    "north_east": 6.5,
    "north_west": 9.5,
    "greater_manchester": 8.5,
    "yorkshire_humber": 10.5,
    "east_midlands": 8.5,
    "west_midlands": 10.5,
    "east_of_england": 9.0,
    "wales": 6.5,
    "south_west": 6.5,
    "south_central": 6.5,
    "london": 12.5,
    "kent_surrey_sussex": 8.0,
}

_T = Town
TOWNS: tuple[Town, ...] = (
    # North East
    _T("Newcastle upon Tyne", "north_east", 54.978, -1.617, 300),
    _T("Gateshead", "north_east", 54.952, -1.603, 120),
    _T("Sunderland", "north_east", 54.906, -1.381, 175),
    _T("South Shields", "north_east", 54.999, -1.433, 75),
    _T("North Shields", "north_east", 55.009, -1.449, 35),
    _T("Washington", "north_east", 54.900, -1.520, 67),
    _T("Middlesbrough", "north_east", 54.576, -1.235, 175),
    _T("Stockton-on-Tees", "north_east", 54.570, -1.318, 85),
    _T("Hartlepool", "north_east", 54.686, -1.212, 90),
    _T("Redcar", "north_east", 54.616, -1.069, 37),
    _T("Darlington", "north_east", 54.524, -1.553, 95),
    _T("Durham", "north_east", 54.776, -1.575, 50),
    _T("Bishop Auckland", "north_east", 54.662, -1.677, 25),
    _T("Blyth", "north_east", 55.127, -1.510, 37),
    # North West (without Greater Manchester)
    _T("Liverpool", "north_west", 53.408, -2.991, 500),
    _T("Birkenhead", "north_west", 53.393, -3.014, 140),
    _T("St Helens", "north_west", 53.453, -2.737, 100),
    _T("Southport", "north_west", 53.645, -3.010, 90),
    _T("Warrington", "north_west", 53.390, -2.597, 210),
    _T("Widnes", "north_west", 53.361, -2.733, 60),
    _T("Chester", "north_west", 53.193, -2.893, 80),
    _T("Crewe", "north_west", 53.099, -2.440, 75),
    _T("Preston", "north_west", 53.763, -2.703, 145),
    _T("Blackpool", "north_west", 53.817, -3.036, 140),
    _T("Blackburn", "north_west", 53.748, -2.482, 120),
    _T("Burnley", "north_west", 53.789, -2.248, 75),
    _T("Lancaster", "north_west", 54.047, -2.801, 52),
    _T("Kendal", "north_west", 54.328, -2.746, 29),
    _T("Barrow-in-Furness", "north_west", 54.111, -3.227, 56),
    _T("Carlisle", "north_west", 54.892, -2.932, 75),
    _T("Workington", "north_west", 54.643, -3.545, 25),
    # Greater Manchester
    _T("Manchester", "greater_manchester", 53.480, -2.243, 550),
    _T("Salford", "greater_manchester", 53.488, -2.291, 250),
    _T("Bolton", "greater_manchester", 53.578, -2.429, 200),
    _T("Wigan", "greater_manchester", 53.545, -2.632, 105),
    _T("Leigh", "greater_manchester", 53.497, -2.515, 45),
    _T("Oldham", "greater_manchester", 53.541, -2.117, 100),
    _T("Rochdale", "greater_manchester", 53.614, -2.161, 110),
    _T("Bury", "greater_manchester", 53.593, -2.298, 80),
    _T("Stockport", "greater_manchester", 53.409, -2.149, 140),
    _T("Sale", "greater_manchester", 53.425, -2.322, 130),
    _T("Ashton-under-Lyne", "greater_manchester", 53.489, -2.094, 50),
    # Yorkshire and the Humber
    _T("Leeds", "yorkshire_humber", 53.800, -1.549, 500),
    _T("Sheffield", "yorkshire_humber", 53.381, -1.470, 560),
    _T("Bradford", "yorkshire_humber", 53.795, -1.759, 350),
    _T("Kingston upon Hull", "yorkshire_humber", 53.745, -0.336, 270),
    _T("York", "yorkshire_humber", 53.960, -1.082, 155),
    _T("Huddersfield", "yorkshire_humber", 53.645, -1.785, 160),
    _T("Doncaster", "yorkshire_humber", 53.523, -1.128, 110),
    _T("Wakefield", "yorkshire_humber", 53.683, -1.499, 100),
    _T("Rotherham", "yorkshire_humber", 53.430, -1.357, 110),
    _T("Barnsley", "yorkshire_humber", 53.553, -1.482, 95),
    _T("Halifax", "yorkshire_humber", 53.721, -1.858, 90),
    _T("Dewsbury", "yorkshire_humber", 53.690, -1.633, 60),
    _T("Grimsby", "yorkshire_humber", 53.567, -0.080, 88),
    _T("Scunthorpe", "yorkshire_humber", 53.588, -0.655, 80),
    _T("Harrogate", "yorkshire_humber", 53.992, -1.541, 75),
    _T("Scarborough", "yorkshire_humber", 54.283, -0.400, 60),
    # East Midlands
    _T("Nottingham", "east_midlands", 52.954, -1.158, 400),
    _T("Leicester", "east_midlands", 52.637, -1.135, 370),
    _T("Derby", "east_midlands", 52.922, -1.476, 260),
    _T("Northampton", "east_midlands", 52.240, -0.903, 225),
    _T("Lincoln", "east_midlands", 53.234, -0.540, 105),
    _T("Mansfield", "east_midlands", 53.143, -1.197, 110),
    _T("Chesterfield", "east_midlands", 53.235, -1.421, 90),
    _T("Loughborough", "east_midlands", 52.772, -1.206, 65),
    _T("Kettering", "east_midlands", 52.398, -0.726, 60),
    _T("Corby", "east_midlands", 52.490, -0.697, 60),
    _T("Wellingborough", "east_midlands", 52.302, -0.694, 50),
    _T("Worksop", "east_midlands", 53.302, -1.124, 45),
    _T("Boston", "east_midlands", 52.978, -0.027, 45),
    _T("Grantham", "east_midlands", 52.912, -0.642, 45),
    # West Midlands
    _T("Birmingham", "west_midlands", 52.486, -1.890, 1140),
    _T("Coventry", "west_midlands", 52.406, -1.519, 345),
    _T("Wolverhampton", "west_midlands", 52.587, -2.129, 265),
    _T("Stoke-on-Trent", "west_midlands", 53.003, -2.180, 260),
    _T("Newcastle-under-Lyme", "west_midlands", 53.011, -2.227, 75),
    _T("Walsall", "west_midlands", 52.586, -1.982, 175),
    _T("West Bromwich", "west_midlands", 52.519, -1.995, 75),
    _T("Dudley", "west_midlands", 52.512, -2.081, 80),
    _T("Solihull", "west_midlands", 52.411, -1.778, 125),
    _T("Telford", "west_midlands", 52.678, -2.445, 145),
    _T("Shrewsbury", "west_midlands", 52.707, -2.754, 76),
    _T("Worcester", "west_midlands", 52.192, -2.220, 100),
    _T("Redditch", "west_midlands", 52.306, -1.945, 85),
    _T("Kidderminster", "west_midlands", 52.388, -2.250, 55),
    _T("Hereford", "west_midlands", 52.056, -2.716, 60),
    _T("Nuneaton", "west_midlands", 52.523, -1.468, 88),
    _T("Rugby", "west_midlands", 52.371, -1.262, 75),
    _T("Stafford", "west_midlands", 52.806, -2.121, 70),
    _T("Burton upon Trent", "west_midlands", 52.806, -1.643, 75),
    _T("Tamworth", "west_midlands", 52.633, -1.695, 78),
    # East of England
    _T("Norwich", "east_of_england", 52.630, 1.297, 210),
    _T("Great Yarmouth", "east_of_england", 52.608, 1.730, 40),
    _T("King's Lynn", "east_of_england", 52.754, 0.396, 45),
    _T("Lowestoft", "east_of_england", 52.475, 1.750, 70),
    _T("Ipswich", "east_of_england", 52.059, 1.155, 145),
    _T("Bury St Edmunds", "east_of_england", 52.246, 0.711, 45),
    _T("Cambridge", "east_of_england", 52.205, 0.122, 145),
    _T("Peterborough", "east_of_england", 52.573, -0.241, 215),
    _T("Bedford", "east_of_england", 52.136, -0.467, 105),
    _T("Luton", "east_of_england", 51.879, -0.417, 225),
    _T("Stevenage", "east_of_england", 51.903, -0.196, 90),
    _T("St Albans", "east_of_england", 51.752, -0.336, 85),
    _T("Hemel Hempstead", "east_of_england", 51.754, -0.448, 95),
    _T("Watford", "east_of_england", 51.657, -0.396, 100),
    _T("Harlow", "east_of_england", 51.768, 0.095, 90),
    _T("Chelmsford", "east_of_england", 51.736, 0.479, 180),
    _T("Colchester", "east_of_england", 51.896, 0.892, 130),
    _T("Basildon", "east_of_england", 51.576, 0.488, 110),
    _T("Southend-on-Sea", "east_of_england", 51.538, 0.714, 180),
    _T("Grays", "east_of_england", 51.477, 0.323, 75),
    # Wales
    _T("Cardiff", "wales", 51.481, -3.179, 360),
    _T("Swansea", "wales", 51.621, -3.944, 245),
    _T("Newport", "wales", 51.588, -2.998, 155),
    _T("Barry", "wales", 51.399, -3.283, 55),
    _T("Bridgend", "wales", 51.504, -3.576, 50),
    _T("Port Talbot", "wales", 51.592, -3.780, 37),
    _T("Neath", "wales", 51.663, -3.807, 50),
    _T("Llanelli", "wales", 51.681, -4.162, 50),
    _T("Carmarthen", "wales", 51.857, -4.311, 15),
    _T("Merthyr Tydfil", "wales", 51.746, -3.378, 45),
    _T("Pontypridd", "wales", 51.602, -3.342, 32),
    _T("Caerphilly", "wales", 51.574, -3.218, 40),
    _T("Aberystwyth", "wales", 52.415, -4.083, 13),
    _T("Wrexham", "wales", 53.046, -2.993, 65),
    _T("Rhyl", "wales", 53.319, -3.491, 26),
    _T("Colwyn Bay", "wales", 53.294, -3.727, 34),
    _T("Bangor", "wales", 53.228, -4.129, 18),
    # South West
    _T("Bristol", "south_west", 51.454, -2.588, 470),
    _T("Bath", "south_west", 51.381, -2.359, 95),
    _T("Weston-super-Mare", "south_west", 51.346, -2.977, 80),
    _T("Gloucester", "south_west", 51.864, -2.244, 130),
    _T("Cheltenham", "south_west", 51.899, -2.078, 115),
    _T("Swindon", "south_west", 51.558, -1.782, 185),
    _T("Chippenham", "south_west", 51.458, -2.116, 45),
    _T("Salisbury", "south_west", 51.069, -1.795, 45),
    _T("Bournemouth", "south_west", 50.720, -1.880, 195),
    _T("Poole", "south_west", 50.715, -1.987, 150),
    _T("Weymouth", "south_west", 50.614, -2.457, 53),
    _T("Yeovil", "south_west", 50.942, -2.633, 45),
    _T("Taunton", "south_west", 51.015, -3.106, 65),
    _T("Exeter", "south_west", 50.718, -3.534, 130),
    _T("Torquay", "south_west", 50.462, -3.525, 65),
    _T("Plymouth", "south_west", 50.376, -4.143, 265),
    _T("Barnstaple", "south_west", 51.080, -4.058, 30),
    _T("Truro", "south_west", 50.263, -5.051, 20),
    _T("Camborne", "south_west", 50.213, -5.297, 40),
    _T("Newquay", "south_west", 50.415, -5.073, 20),
    # South Central
    _T("Southampton", "south_central", 50.910, -1.404, 255),
    _T("Eastleigh", "south_central", 50.969, -1.350, 60),
    _T("Portsmouth", "south_central", 50.819, -1.088, 210),
    _T("Gosport", "south_central", 50.795, -1.125, 70),
    _T("Havant", "south_central", 50.856, -0.982, 45),
    _T("Winchester", "south_central", 51.063, -1.308, 45),
    _T("Basingstoke", "south_central", 51.267, -1.087, 115),
    _T("Andover", "south_central", 51.211, -1.492, 50),
    _T("Newport (Isle of Wight)", "south_central", 50.701, -1.289, 25),
    _T("Reading", "south_central", 51.454, -0.973, 230),
    _T("Bracknell", "south_central", 51.416, -0.750, 85),
    _T("Maidenhead", "south_central", 51.522, -0.718, 70),
    _T("Slough", "south_central", 51.511, -0.595, 160),
    _T("High Wycombe", "south_central", 51.629, -0.748, 125),
    _T("Aylesbury", "south_central", 51.816, -0.812, 75),
    _T("Milton Keynes", "south_central", 52.041, -0.760, 265),
    _T("Oxford", "south_central", 51.752, -1.258, 160),
    _T("Banbury", "south_central", 52.062, -1.340, 50),
    # London (borough centres)
    _T("Westminster", "london", 51.497, -0.137, 210),
    _T("Camden", "london", 51.539, -0.142, 210),
    _T("Islington", "london", 51.538, -0.103, 215),
    _T("Hackney", "london", 51.545, -0.055, 260),
    _T("Tower Hamlets", "london", 51.515, -0.033, 310),
    _T("Newham", "london", 51.525, 0.035, 350),
    _T("Southwark", "london", 51.475, -0.080, 310),
    _T("Lambeth", "london", 51.460, -0.116, 320),
    _T("Lewisham", "london", 51.445, -0.020, 300),
    _T("Greenwich", "london", 51.491, 0.069, 290),
    _T("Bexleyheath", "london", 51.456, 0.144, 245),
    _T("Bromley", "london", 51.406, 0.015, 330),
    _T("Croydon", "london", 51.376, -0.098, 390),
    _T("Sutton", "london", 51.360, -0.191, 210),
    _T("Kingston upon Thames", "london", 51.410, -0.300, 170),
    _T("Wandsworth", "london", 51.457, -0.193, 330),
    _T("Hounslow", "london", 51.468, -0.361, 290),
    _T("Ealing", "london", 51.513, -0.304, 370),
    _T("Uxbridge", "london", 51.546, -0.479, 300),
    _T("Harrow", "london", 51.580, -0.335, 260),
    _T("Brent", "london", 51.558, -0.282, 340),
    _T("Barnet", "london", 51.625, -0.152, 390),
    _T("Enfield", "london", 51.652, -0.081, 330),
    _T("Tottenham", "london", 51.588, -0.072, 265),
    _T("Walthamstow", "london", 51.584, -0.020, 280),
    _T("Ilford", "london", 51.559, 0.082, 310),
    _T("Barking", "london", 51.540, 0.080, 220),
    _T("Romford", "london", 51.575, 0.183, 260),
    # Kent, Surrey and Sussex
    _T("Brighton", "kent_surrey_sussex", 50.822, -0.137, 290),
    _T("Worthing", "kent_surrey_sussex", 50.817, -0.372, 110),
    _T("Crawley", "kent_surrey_sussex", 51.109, -0.187, 120),
    _T("Horsham", "kent_surrey_sussex", 51.063, -0.326, 55),
    _T("Chichester", "kent_surrey_sussex", 50.837, -0.780, 30),
    _T("Bognor Regis", "kent_surrey_sussex", 50.783, -0.673, 65),
    _T("Eastbourne", "kent_surrey_sussex", 50.768, 0.284, 100),
    _T("Hastings", "kent_surrey_sussex", 50.856, 0.573, 90),
    _T("Maidstone", "kent_surrey_sussex", 51.272, 0.529, 110),
    _T("Chatham", "kent_surrey_sussex", 51.380, 0.529, 280),
    _T("Sittingbourne", "kent_surrey_sussex", 51.341, 0.731, 60),
    _T("Canterbury", "kent_surrey_sussex", 51.280, 1.080, 55),
    _T("Margate", "kent_surrey_sussex", 51.389, 1.386, 60),
    _T("Ashford", "kent_surrey_sussex", 51.146, 0.875, 75),
    _T("Folkestone", "kent_surrey_sussex", 51.081, 1.166, 55),
    _T("Dover", "kent_surrey_sussex", 51.128, 1.313, 40),
    _T("Dartford", "kent_surrey_sussex", 51.446, 0.219, 55),
    _T("Gravesend", "kent_surrey_sussex", 51.441, 0.368, 55),
    _T("Tunbridge Wells", "kent_surrey_sussex", 51.132, 0.263, 60),
    _T("Guildford", "kent_surrey_sussex", 51.236, -0.570, 80),
    _T("Woking", "kent_surrey_sussex", 51.319, -0.558, 105),
    _T("Camberley", "kent_surrey_sussex", 51.335, -0.742, 55),
    _T("Staines", "kent_surrey_sussex", 51.433, -0.511, 55),
    _T("Epsom", "kent_surrey_sussex", 51.336, -0.268, 50),
    _T("Redhill", "kent_surrey_sussex", 51.240, -0.170, 60),
)

# Relative weight of a site when a prison is drawn, by predominant function: a crude stand-in
# for operational capacity (locals and category C trainers are the large sites).
PRISON_KIND_WEIGHT: dict[str, float] = {
    "local": 1.0,
    "cat_c": 1.0,
    "cat_b": 0.8,
    "open": 0.6,
    "high_security": 0.5,
    "yoi": 0.4,
    "female": 1.0,
}

_P = Prison
# Prison sites of England and Wales: names from the NOMS list "Prisons and their resettlement
# providers" (2017, Open Government Licence, via symroe/prison-estate-data), less sites closed
# since or not holding adults. Codes are three-letter codes in the style of HMPPS agency codes
# assigned by this project; they are not guaranteed to equal the official codes. Coordinates
# are the approximate centre of each site's postcode district or village.
PRISONS: tuple[Prison, ...] = (
    _P("ACI", "Altcourse", "north_west", 53.462, -2.932, "male", "local"),
    _P("ASI", "Ashfield", "south_west", 51.486, -2.449, "male", "cat_c"),
    _P("AGI", "Askham Grange", "yorkshire_humber", 53.924, -1.181, "female", "female"),
    _P("AYI", "Aylesbury", "south_central", 51.827, -0.797, "male", "yoi"),
    _P("BFI", "Bedford", "east_of_england", 52.139, -0.472, "male", "local"),
    _P("BAI", "Belmarsh", "london", 51.498, 0.098, "male", "high_security"),
    _P("BWI", "Berwyn", "wales", 53.026, -2.944, "male", "cat_c"),
    _P("BMI", "Birmingham", "west_midlands", 52.494, -1.926, "male", "local"),
    _P("BSI", "Brinsford", "west_midlands", 52.640, -2.108, "male", "yoi"),
    _P("BLI", "Bristol", "south_west", 51.482, -2.591, "male", "local"),
    _P("BXI", "Brixton", "london", 51.452, -0.125, "male", "cat_c"),
    _P("BZI", "Bronzefield", "kent_surrey_sussex", 51.428, -0.477, "female", "female"),
    _P("BCI", "Buckley Hall", "greater_manchester", 53.634, -2.150, "male", "cat_c"),
    _P("BNI", "Bullingdon", "south_central", 51.857, -1.108, "male", "local"),
    _P("BUI", "Bure", "east_of_england", 52.752, 1.349, "male", "cat_c"),
    _P("CFI", "Cardiff", "wales", 51.479, -3.166, "male", "local"),
    _P("CWI", "Channings Wood", "south_west", 50.508, -3.640, "male", "cat_c"),
    _P("CDI", "Chelmsford", "east_of_england", 51.733, 0.490, "male", "local"),
    _P("CLI", "Coldingley", "kent_surrey_sussex", 51.320, -0.628, "male", "cat_c"),
    _P("DTI", "Deerbolt", "north_east", 54.546, -1.929, "male", "yoi"),
    _P("DNI", "Doncaster", "yorkshire_humber", 53.519, -1.145, "male", "local"),
    _P("DGI", "Dovegate", "west_midlands", 52.863, -1.801, "male", "cat_b"),
    _P("DWI", "Downview", "london", 51.346, -0.186, "female", "female"),
    _P("DHI", "Drake Hall", "west_midlands", 52.872, -2.250, "female", "female"),
    _P("DMI", "Durham", "north_east", 54.774, -1.570, "male", "local"),
    _P("ESI", "East Sutton Park", "kent_surrey_sussex", 51.222, 0.620, "female", "female"),
    _P("EWI", "Eastwood Park", "south_west", 51.629, -2.471, "female", "female"),
    _P("EYI", "Elmley", "kent_surrey_sussex", 51.400, 0.822, "male", "local"),
    _P("EEI", "Erlestoke", "south_west", 51.283, -2.040, "male", "cat_c"),
    _P("EXI", "Exeter", "south_west", 50.729, -3.534, "male", "local"),
    _P("FSI", "Featherstone", "west_midlands", 52.650, -2.113, "male", "cat_c"),
    _P("FMI", "Feltham", "london", 51.440, -0.430, "male", "yoi"),
    _P("FDI", "Ford", "kent_surrey_sussex", 50.821, -0.580, "male", "open"),
    _P("FBI", "Forest Bank", "greater_manchester", 53.510, -2.322, "male", "local"),
    _P("FHI", "Foston Hall", "east_midlands", 52.880, -1.720, "female", "female"),
    _P("FKI", "Frankland", "north_east", 54.797, -1.540, "male", "high_security"),
    _P("FNI", "Full Sutton", "yorkshire_humber", 53.983, -0.864, "male", "high_security"),
    _P("GHI", "Garth", "north_west", 53.672, -2.752, "male", "cat_b"),
    _P("GTI", "Gartree", "east_midlands", 52.494, -0.934, "male", "cat_b"),
    _P("GNI", "Grendon and Spring Hill", "south_central", 51.891, -1.009, "male", "cat_b"),
    _P("GMI", "Guys Marsh", "south_west", 50.993, -2.228, "male", "cat_c"),
    _P("HFI", "Hatfield", "yorkshire_humber", 53.578, -0.998, "male", "open"),
    _P("HGI", "Haverigg", "north_west", 54.197, -3.296, "male", "cat_c"),
    _P("HEI", "Hewell", "west_midlands", 52.313, -1.983, "male", "local"),
    _P("HOI", "High Down", "london", 51.343, -0.190, "male", "local"),
    _P("HPI", "Highpoint", "east_of_england", 52.133, 0.530, "male", "cat_c"),
    _P("HDI", "Hindley", "greater_manchester", 53.533, -2.567, "male", "cat_c"),
    _P("HBI", "Hollesley Bay", "east_of_england", 52.050, 1.432, "male", "open"),
    _P("HHI", "Holme House", "north_east", 54.561, -1.295, "male", "local"),
    _P("HLI", "Hull", "yorkshire_humber", 53.745, -0.283, "male", "local"),
    _P("HMI", "Humber", "yorkshire_humber", 53.781, -0.632, "male", "cat_c"),
    _P("HCI", "Huntercombe", "south_central", 51.590, -1.030, "male", "cat_c"),
    _P("ISI", "Isis", "london", 51.500, 0.094, "male", "cat_c"),
    _P("IWI", "Isle of Wight", "south_central", 50.714, -1.307, "male", "cat_b"),
    _P("KMI", "Kirkham", "north_west", 53.783, -2.875, "male", "open"),
    _P("KVI", "Kirklevington Grange", "north_east", 54.487, -1.331, "male", "open"),
    _P("LFI", "Lancaster Farms", "north_west", 54.052, -2.766, "male", "cat_c"),
    _P("LEI", "Leeds", "yorkshire_humber", 53.793, -1.588, "male", "local"),
    _P("LCI", "Leicester", "east_midlands", 52.627, -1.128, "male", "local"),
    _P("LWI", "Lewes", "kent_surrey_sussex", 50.874, -0.026, "male", "local"),
    _P("LYI", "Leyhill", "south_west", 51.621, -2.434, "male", "open"),
    _P("LII", "Lincoln", "east_midlands", 53.239, -0.519, "male", "local"),
    _P("LHI", "Lindholme", "yorkshire_humber", 53.545, -0.968, "male", "cat_c"),
    _P("LTI", "Littlehey", "east_of_england", 52.280, -0.328, "male", "cat_c"),
    _P("LPI", "Liverpool", "north_west", 53.455, -2.966, "male", "local"),
    _P("LLI", "Long Lartin", "west_midlands", 52.106, -1.879, "male", "high_security"),
    _P("LNI", "Low Newton", "north_east", 54.800, -1.556, "female", "female"),
    _P("LGI", "Lowdham Grange", "east_midlands", 53.030, -1.002, "male", "cat_b"),
    _P("MSI", "Maidstone", "kent_surrey_sussex", 51.278, 0.525, "male", "cat_c"),
    _P("MRI", "Manchester", "greater_manchester", 53.492, -2.247, "male", "high_security"),
    _P("MDI", "Moorland", "yorkshire_humber", 53.553, -0.982, "male", "cat_c"),
    _P("MTI", "The Mount", "east_of_england", 51.717, -0.530, "male", "cat_c"),
    _P("NHI", "New Hall", "yorkshire_humber", 53.628, -1.640, "female", "female"),
    _P("NSI", "North Sea Camp", "east_midlands", 52.947, 0.067, "male", "open"),
    _P("NLI", "Northumberland", "north_east", 55.301, -1.626, "male", "cat_c"),
    _P("NWI", "Norwich", "east_of_england", 52.637, 1.319, "male", "local"),
    _P("NMI", "Nottingham", "east_midlands", 52.987, -1.160, "male", "local"),
    _P("OWI", "Oakwood", "west_midlands", 52.654, -2.102, "male", "cat_c"),
    _P("ONI", "Onley", "east_midlands", 52.303, -1.232, "male", "cat_c"),
    _P("PRI", "Parc", "wales", 51.530, -3.553, "male", "cat_c"),
    _P("PVI", "Pentonville", "london", 51.545, -0.117, "male", "local"),
    _P("PBI", "Peterborough", "east_of_england", 52.581, -0.289, "male", "local"),
    _P("PDI", "Portland", "south_west", 50.548, -2.432, "male", "cat_c"),
    _P("PNI", "Preston", "north_west", 53.764, -2.690, "male", "local"),
    _P("RNI", "Ranby", "east_midlands", 53.322, -1.006, "male", "cat_c"),
    _P("RSI", "Risley", "north_west", 53.433, -2.519, "male", "cat_c"),
    _P("RCI", "Rochester", "kent_surrey_sussex", 51.368, 0.486, "male", "cat_c"),
    _P("RHI", "Rye Hill", "west_midlands", 52.318, -1.214, "male", "cat_b"),
    _P("SDI", "Send", "kent_surrey_sussex", 51.287, -0.521, "female", "female"),
    _P("SFI", "Stafford", "west_midlands", 52.810, -2.118, "male", "cat_c"),
    _P("SPI", "Standford Hill", "kent_surrey_sussex", 51.396, 0.843, "male", "open"),
    _P("SKI", "Stocken", "east_midlands", 52.733, -0.582, "male", "cat_c"),
    _P("SHI", "Stoke Heath", "west_midlands", 52.879, -2.523, "male", "cat_c"),
    _P("STI", "Styal", "north_west", 53.350, -2.251, "female", "female"),
    _P("SUI", "Sudbury", "east_midlands", 52.887, -1.770, "male", "open"),
    _P("SLI", "Swaleside", "kent_surrey_sussex", 51.392, 0.832, "male", "cat_b"),
    _P("SWI", "Swansea", "wales", 51.617, -3.954, "male", "local"),
    _P("SNI", "Swinfen Hall", "west_midlands", 52.652, -1.800, "male", "cat_c"),
    _P("TSI", "Thameside", "london", 51.502, 0.104, "male", "local"),
    _P("TCI", "Thorn Cross", "north_west", 53.353, -2.546, "male", "open"),
    _P("UKI", "Usk and Prescoed", "wales", 51.701, -2.902, "male", "cat_c"),
    _P("VEI", "The Verne", "south_west", 50.562, -2.438, "male", "cat_c"),
    _P("WDI", "Wakefield", "yorkshire_humber", 53.686, -1.509, "male", "high_security"),
    _P("WWI", "Wandsworth", "london", 51.451, -0.179, "male", "local"),
    _P("WII", "Warren Hill", "east_of_england", 52.048, 1.425, "male", "cat_c"),
    _P("WLI", "Wayland", "east_of_england", 52.549, 0.852, "male", "cat_c"),
    _P("WEI", "Wealstun", "yorkshire_humber", 53.896, -1.330, "male", "cat_c"),
    _P("WTI", "Whatton", "east_midlands", 52.948, -0.904, "male", "cat_c"),
    _P("WMI", "Whitemoor", "east_of_england", 52.562, 0.080, "male", "high_security"),
    _P("WCI", "Winchester", "south_central", 51.063, -1.327, "male", "local"),
    _P("WHI", "Woodhill", "south_central", 52.011, -0.803, "male", "high_security"),
    _P("WSI", "Wormwood Scrubs", "london", 51.517, -0.240, "male", "local"),
    _P("WYI", "Wymott", "north_west", 53.675, -2.738, "male", "cat_c"),
)


def _check() -> None:
    codes = [p.code for p in PRISONS]
    assert len(set(codes)) == len(codes), "duplicate prison code"
    assert set(REGION_WEIGHT) == set(REGIONS)
    items: tuple[Town | Prison, ...] = (*TOWNS, *PRISONS)
    for item in items:
        assert item.region in REGION_NAMES, item
        assert 49.8 < item.lat < 55.9 and -5.8 < item.lon < 1.8, item
    for p in PRISONS:
        assert p.estate in ("male", "female") and p.kind in PRISON_KIND_WEIGHT, p
    assert {t.region for t in TOWNS} == set(REGIONS)


_check()
