"""``semantic.*`` (not ``semantic.br.*``): upstream's readable aliases of ``faker.*`` IDs.

They behave exactly as their target, in both locales (en_US and pt_BR).
"""

from __future__ import annotations

from datalchemy_mp.generators import faker_gen  # noqa: F401  (registers the targets)
from datalchemy_mp.generators.base import alias

ALIASES: dict[str, str] = {
    # semantic.person.*
    "semantic.person.name": "name.Name",
    "semantic.person.first_name": "name.FirstName",
    "semantic.person.last_name": "name.LastName",
    "semantic.person.title": "name.Title",
    "semantic.person.suffix": "name.Suffix",
    "semantic.person.username": "internet.Username",
    "semantic.person.email": "internet.SafeEmail",
    "semantic.person.free_email": "internet.FreeEmail",
    "semantic.person.phone": "phone_number.PhoneNumber",
    "semantic.person.cell": "phone_number.CellNumber",
    # semantic.address.*
    "semantic.address.city": "address.CityName",
    "semantic.address.state": "address.StateName",
    "semantic.address.state_abbr": "address.StateAbbr",
    "semantic.address.street": "address.StreetName",
    "semantic.address.street_suffix": "address.StreetSuffix",
    "semantic.address.building_number": "address.BuildingNumber",
    "semantic.address.secondary": "address.SecondaryAddress",
    "semantic.address.secondary_type": "address.SecondaryAddressType",
    "semantic.address.postcode": "address.PostCode",
    "semantic.address.zipcode": "address.ZipCode",
    "semantic.address.country": "address.CountryName",
    "semantic.address.country_code": "address.CountryCode",
    "semantic.address.timezone": "address.TimeZone",
    # semantic.company.*
    "semantic.company.name": "company.CompanyName",
    "semantic.company.suffix": "company.CompanySuffix",
    "semantic.company.industry": "company.Industry",
    "semantic.company.profession": "company.Profession",
    "semantic.company.buzzword": "company.Buzzword",
    "semantic.company.catch_phrase": "company.CatchPhrase",
    "semantic.company.bs": "company.Bs",
    "semantic.company.bs_adj": "company.BsAdj",
    "semantic.company.bs_noun": "company.BsNoun",
    "semantic.company.bs_verb": "company.BsVerb",
    # semantic.internet.*
    "semantic.internet.domain_suffix": "internet.DomainSuffix",
    "semantic.internet.free_email_provider": "internet.FreeEmailProvider",
    "semantic.internet.ipv4": "internet.IPv4",
    "semantic.internet.ipv6": "internet.IPv6",
    "semantic.internet.mac": "internet.MACAddress",
    "semantic.internet.user_agent": "internet.UserAgent",
    "semantic.internet.password": "internet.Password",
    # semantic.finance.*
    "semantic.finance.bic": "finance.Bic",
    "semantic.finance.isin": "finance.Isin",
    "semantic.finance.currency_code": "currency.CurrencyCode",
    "semantic.finance.currency_name": "currency.CurrencyName",
    "semantic.finance.currency_symbol": "currency.CurrencySymbol",
    # semantic.barcode.*, color.*, http.*, lorem.*, markdown.*, time.*
    "semantic.barcode.isbn10": "barcode.Isbn10",
    "semantic.barcode.isbn13": "barcode.Isbn13",
    "semantic.color.hex": "color.HexColor",
    "semantic.color.rgb": "color.RgbColor",
    "semantic.color.hsl": "color.HslColor",
    "semantic.http.status_code": "http.ValidStatusCode",
    "semantic.lorem.word": "lorem.Word",
    "semantic.markdown.bold": "markdown.BoldWord",
    "semantic.markdown.italic": "markdown.ItalicWord",
    "semantic.markdown.link": "markdown.Link",
    "semantic.time.date": "time.Date",
    "semantic.time.datetime": "time.DateTime",
}
"""57 aliases, as upstream: ``semantic.x.y`` -> ``faker.<module>.raw.<Struct>``."""


def target(alias_id: str) -> str:
    module, struct = ALIASES[alias_id].split(".")
    return f"faker.{module}.raw.{struct}"


for _id in ALIASES:
    alias(_id, target(_id), description=f"alias of {target(_id)}")
