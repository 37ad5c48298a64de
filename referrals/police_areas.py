"""The 43 police force areas of England and Wales, which a request may name so the nearest team
picks it up. Slugs are stable keys (settings map them to team email addresses); names are shown."""

from __future__ import annotations

POLICE_FORCE_AREAS: list[tuple[str, str]] = [
    ("avon-and-somerset", "Avon and Somerset"),
    ("bedfordshire", "Bedfordshire"),
    ("cambridgeshire", "Cambridgeshire"),
    ("cheshire", "Cheshire"),
    ("city-of-london", "City of London"),
    ("cleveland", "Cleveland"),
    ("cumbria", "Cumbria"),
    ("derbyshire", "Derbyshire"),
    ("devon-and-cornwall", "Devon and Cornwall"),
    ("dorset", "Dorset"),
    ("durham", "Durham"),
    ("dyfed-powys", "Dyfed-Powys"),
    ("essex", "Essex"),
    ("gloucestershire", "Gloucestershire"),
    ("greater-manchester", "Greater Manchester"),
    ("gwent", "Gwent"),
    ("hampshire-and-isle-of-wight", "Hampshire and Isle of Wight"),
    ("hertfordshire", "Hertfordshire"),
    ("humberside", "Humberside"),
    ("kent", "Kent"),
    ("lancashire", "Lancashire"),
    ("leicestershire", "Leicestershire"),
    ("lincolnshire", "Lincolnshire"),
    ("merseyside", "Merseyside"),
    ("metropolitan", "London (Metropolitan Police)"),
    ("norfolk", "Norfolk"),
    ("north-wales", "North Wales"),
    ("north-yorkshire", "North Yorkshire"),
    ("northamptonshire", "Northamptonshire"),
    ("northumbria", "Northumbria"),
    ("nottinghamshire", "Nottinghamshire"),
    ("south-wales", "South Wales"),
    ("south-yorkshire", "South Yorkshire"),
    ("staffordshire", "Staffordshire"),
    ("suffolk", "Suffolk"),
    ("surrey", "Surrey"),
    ("sussex", "Sussex"),
    ("thames-valley", "Thames Valley"),
    ("warwickshire", "Warwickshire"),
    ("west-mercia", "West Mercia"),
    ("west-midlands", "West Midlands"),
    ("west-yorkshire", "West Yorkshire"),
    ("wiltshire", "Wiltshire"),
]

AREA_NAMES = dict(POLICE_FORCE_AREAS)


def area_name(slug: str) -> str:
    return AREA_NAMES.get(slug, "")
