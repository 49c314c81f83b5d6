"""Where to watch and where from: the services (from services.py), and countries with their codes, names
and demonyms."""

from __future__ import annotations

import re

# the services live in services.py (a registry); re-exported for the stages that read them here
from voicerec.vocab.services import SERVICE_FORMS, SERVICE_NAMES, SERVICE_RES, SERVICES, service_of

__all__ = ["SERVICES", "SERVICE_NAMES", "SERVICE_FORMS", "SERVICE_RES", "service_of", "ISO_CODES", "CODE_ALIASES",
           "COUNTRIES", "COUNTRY_GROUPS", "COUNTRY_RES", "DATA_COUNTRY_NAMES", "country_code", "country_adjective",
           "country_name"]

# Every ISO 3166-1 alpha-2 code, plus XK (Kosovo, in wide use) and the transitionally reserved
# SU (Soviet Union), YU (Yugoslavia), CS (Serbia and Montenegro) and AN (Netherlands Antilles).
ISO_CODES: frozenset[str] = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH
ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT
HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG
SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK SU YU CS AN
""".split())
# codes JustWatch/TMDB use that are not ISO: old or private-use codes → the code we store
CODE_ALIASES: dict[str, str] = {"SUHH": "SU", "XG": "DE", "XC": "CZ", "UK": "GB"}

# code → (name, demonym or None, other spoken forms: languages, industries, short names)
COUNTRIES: dict[str, tuple[str, str | None, str]] = {
    "US": ("the United States", "American", r"usa|u\.?s\.?a?\.?|hollywood|united states(?: of america)?|america"),
    "GB": ("the United Kingdom", "British", r"uk|u\.k\.|britain|great britain|united kingdom|english|england"
           r"|scottish|scotland|welsh|wales|brit"),
    "KR": ("South Korea", "Korean", r"south korean?|korea|k[\s-]?dramas?"),
    "JP": ("Japan", "Japanese", r"japan|j[\s-]?dramas?"),
    "FR": ("France", "French", r"france"),
    "IN": ("India", "Indian", r"india|bollywood|tollywood|hindi|tamil|telugu|malayalam|kannada|punjabi|marathi|bengali"),
    "MX": ("Mexico", "Mexican", r"mexico"),
    "ES": ("Spain", "Spanish", r"spain|castilian"),
    "IT": ("Italy", "Italian", r"italy"),
    "DE": ("Germany", "German", r"germany"),
    "HK": ("Hong Kong", None, r"hong kong|cantonese"),
    "CN": ("China", "Chinese", r"china|mainland chinese"),
    "TW": ("Taiwan", "Taiwanese", r"taiwan"),
    "NG": ("Nigeria", "Nigerian", r"nigeria|nollywood"),
    "TR": ("Turkey", "Turkish", r"turkey|turkiye"),
    "BR": ("Brazil", "Brazilian", r"brazil"),
    "PT": ("Portugal", "Portuguese", r"portugal"),
    "SE": ("Sweden", "Swedish", r"sweden"),
    "DK": ("Denmark", "Danish", r"denmark"),
    "NO": ("Norway", "Norwegian", r"norway"),
    "FI": ("Finland", "Finnish", r"finland"),
    "IS": ("Iceland", "Icelandic", r"iceland"),
    "IE": ("Ireland", "Irish", r"ireland"),
    "AU": ("Australia", "Australian", r"australia|aussie"),
    "NZ": ("New Zealand", None, r"new zealand|kiwi"),
    "CA": ("Canada", "Canadian", r"canada"),
    "RU": ("Russia", "Russian", r"russia"),
    "SU": ("the Soviet Union", "Soviet", r"soviet union|ussr"),
    "EG": ("Egypt", "Egyptian", r"egypt|arabic"),
    "TH": ("Thailand", "Thai", r"thailand"),
    "PH": ("the Philippines", "Filipino", r"philippines|tagalog"),
    "ID": ("Indonesia", "Indonesian", r"indonesia"),
    "PL": ("Poland", "Polish", r"poland"),
    "NL": ("the Netherlands", "Dutch", r"netherlands|holland"),
    "BE": ("Belgium", "Belgian", r"belgium"),
    "IL": ("Israel", "Israeli", r"israel|hebrew"),
    "AR": ("Argentina", "Argentinian", r"argentina|argentine"),
    "CO": ("Colombia", "Colombian", r"colombia"),
    "CL": ("Chile", "Chilean", r"chile"),
    "ZA": ("South Africa", "South African", r"south africa"),
    "AT": ("Austria", "Austrian", r"austria"),
    "CH": ("Switzerland", "Swiss", r"switzerland"),
    "GR": ("Greece", "Greek", r"greece"),
    "CZ": ("the Czech Republic", "Czech", r"czech republic|czechia"),
    "HU": ("Hungary", "Hungarian", r"hungary"),
    "RO": ("Romania", "Romanian", r"romania"),
    "UA": ("Ukraine", "Ukrainian", r"ukraine"),
    "IR": ("Iran", "Iranian", r"iran|persian"),
    "PK": ("Pakistan", "Pakistani", r"pakistan|urdu"),
    "VN": ("Vietnam", "Vietnamese", r"vietnam"),
    "MY": ("Malaysia", "Malaysian", r"malaysia"),
    "SG": ("Singapore", "Singaporean", r"singapore"),
    "LB": ("Lebanon", "Lebanese", r"lebanon"),
    "SA": ("Saudi Arabia", "Saudi", r"saudi arabia"),
    "KE": ("Kenya", "Kenyan", r"kenya"),
    "GH": ("Ghana", "Ghanaian", r"ghana"),
    "PE": ("Peru", "Peruvian", r"peru"),
    "VE": ("Venezuela", "Venezuelan", r"venezuela"),
    "CU": ("Cuba", "Cuban", r"cuba"),
}
# spoken groups of countries
COUNTRY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"scandinavian|nordic|scandi", ("SE", "DK", "NO", "FI", "IS")),
    (r"latin american|latino|latina|latinx|spanish[\s-]language", ("MX", "ES", "AR", "CO", "CL")),
    (r"chinese|mandarin|chinese[\s-]language", ("CN", "HK", "TW")),
    (r"european", ("FR", "DE", "IT", "ES", "GB", "SE", "DK", "NO", "NL", "BE", "PL")),
    (r"asian", ("KR", "JP", "CN", "HK", "TW", "IN", "TH")),
    (r"african", ("NG", "ZA", "EG", "KE", "GH")),
    (r"middle eastern|arab", ("EG", "LB", "SA", "IL", "IR")),
)


def _country_forms() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    forms: list[tuple[str, tuple[str, ...]]] = list(COUNTRY_GROUPS)
    for code, (_, demonym, spoken) in COUNTRIES.items():
        forms.append(((demonym.lower() + "|" if demonym else "") + spoken, (code,)))
    forms.sort(key=lambda f: -max(len(alt) for alt in f[0].split("|")))  # "south korean" before "korean"
    return tuple((re.compile(rf"\b(?:{p})(?:[\s-]language)?\b"), codes) for p, codes in forms)


COUNTRY_RES = _country_forms()

# names found in the catalogue's data that are not the spoken names above → ISO codes
DATA_COUNTRY_NAMES: dict[str, str] = {
    "Afghanistan": "AF", "Albania": "AL", "Algeria": "DZ", "Angola": "AO", "Armenia": "AM",
    "Azerbaijan": "AZ", "Bahamas": "BS", "Bangladesh": "BD", "Belarus": "BY", "Bermuda": "BM",
    "Botswana": "BW", "Bulgaria": "BG", "Burkina Faso": "BF", "Cambodia": "KH", "Cameroon": "CM",
    "Cayman Islands": "KY", "Costa Rica": "CR", "Croatia": "HR", "Cyprus": "CY", "Czechoslovakia": "CZ",
    "Dominican Republic": "DO", "East Germany": "DE", "Ecuador": "EC", "Ethiopia": "ET",
    "French Polynesia": "PF", "Georgia": "GE", "Guatemala": "GT", "Iraq": "IQ", "Jamaica": "JM",
    "Jordan": "JO", "Kazakhstan": "KZ", "Kosovo": "XK", "Kuwait": "KW", "Latvia": "LV",
    "Liechtenstein": "LI", "Lithuania": "LT", "Luxembourg": "LU", "Malawi": "MW", "Malta": "MT",
    "Mauritius": "MU", "Monaco": "MC", "Mongolia": "MN", "Montenegro": "ME", "Morocco": "MA",
    "Mozambique": "MZ", "Namibia": "NA", "Nepal": "NP", "Nicaragua": "NI", "North Korea": "KP",
    "Palestine": "PS", "Panama": "PA", "Paraguay": "PY", "Puerto Rico": "PR", "Qatar": "QA",
    "Samoa": "WS", "Senegal": "SN", "Serbia": "RS", "Slovakia": "SK", "Slovenia": "SI", "Somalia": "SO",
    "Soviet Union": "SU", "Sri Lanka": "LK", "Sudan": "SD", "Syria": "SY", "Tanzania": "TZ",
    "Tunisia": "TN", "Uganda": "UG", "United Arab Emirates": "AE", "United States of America": "US",
    "Uruguay": "UY", "Vatican City": "VA", "West Germany": "DE", "Zimbabwe": "ZW",
}
_NAMES: dict[str, str] = {
    **{name.casefold(): code for name, code in DATA_COUNTRY_NAMES.items()},
    **{name.removeprefix("the ").casefold(): code for code, (name, _, _) in COUNTRIES.items()},
    **{demonym.casefold(): code for code, (_, demonym, _) in COUNTRIES.items() if demonym},
}


def country_code(value: str | None) -> str | None:
    """A country's name, demonym or code (as data sources and LLMs write it) → ISO alpha-2, or None."""
    v = (value or "").strip().strip(",.")
    if not v:
        return None
    up = v.upper()
    if up in CODE_ALIASES:
        return CODE_ALIASES[up]
    if len(v) == 2 and up in ISO_CODES:
        return up
    folded = v.casefold().removeprefix("the ")
    if folded in _NAMES:
        return _NAMES[folded]
    for rx, codes in COUNTRY_RES:  # spoken forms: "south korean", "bollywood", "uk"
        if len(codes) == 1 and rx.fullmatch(folded):
            return codes[0]
    return None


def country_adjective(code: str) -> str:
    """How a reply says where a title is from, before a noun: "Korean", "New Zealand"."""
    name, demonym, _ = COUNTRIES.get(code, (code, None, ""))
    return demonym or name.removeprefix("the ")


def country_name(code: str) -> str:
    return COUNTRIES.get(code, (code, None, ""))[0]
