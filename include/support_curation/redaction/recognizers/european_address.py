"""Street addresses written the continental European way: street name first, then the house number
("Hersnapvej 18", "ul. Miła 53", "Hegyalja út 98", "Via Roma 12", "Rue de Rivoli 5", "Hauptstraße 7").

Recognised by the street words of those languages, as a prefix ("ul.", "via", "rue") or a suffix of
the name ("-vej", "-straße", "-katu", "út"), followed by a house number.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer

_NAME = r"[\p{L}][\p{L}'’\-]*"
# a word of the street's name, not the words leading up to it ("lives at", "enter on the")
_STOP = r"(?!(?:at|on|in|to|the|and|of|from|for|lives?|living|is|my|our|new|old)\b)"
_WORD = rf"{_STOP}{_NAME}"
_PREFIX = (
    r"(?:ul\.|ulica|al\.|aleja|via|viale|piazza|rue|avenue|boulevard|bd\.|calle|c/|avenida|av\.|rua|"
    r"travessa|plaza|placa|strada|stra[sș]e|carrer)"
)
_SUFFIX = (
    r"(?:straße|strasse|weg|gasse|allee|platz|laan|straat|gracht|plein|vej|gade|gata|gatan|vägen|veien|"
    r"katu|tie)"
)
_SUFFIX_WORD = rf"(?:{_SUFFIX}|str\.|utca|út|tér|ulice|náměstí|cesta)"
_NUMBER = r"\d{1,4}[a-z]?(?:\s*[/\-]\s*\d{1,4})?\b"


class EuropeanAddressRecognizer(ValuePatternRecognizer):
    ENTITY = "ADDRESS"
    NEEDS_DIGIT = True
    PATTERNS = [
        # "ul. Miła 53", "Via Roma 12", "Rue de la Paix 5"
        Pattern("prefix", rf"(?<![\w])(?P<value>{_PREFIX}\s+(?:{_NAME}\s+){{0,3}}{_NAME}\s+{_NUMBER})", 0.7),
        # "Hersnapvej 18", "Hauptstraße 7", "Koskikatu 25"
        Pattern("suffix", rf"(?<![\w])(?P<value>(?:{_WORD}\s+)?{_WORD}{_SUFFIX}\s+{_NUMBER})", 0.7),
        # "Hegyalja út 98", "Hoge Wei 32" is left to the NER; "Am Markt str. 3"
        Pattern("suffix_word", rf"(?<![\w])(?P<value>(?:{_WORD}\s+){{1,2}}{_SUFFIX_WORD}\s+{_NUMBER})", 0.7),
    ]
    CONTEXT = ["address", "street", "live", "lives"]
    # a street word: the prefix before a space, or a suffix right before the house number
    TRIGGER = rf"(?<![\w]){_PREFIX}\s|(?:{_SUFFIX}|{_SUFFIX_WORD})\s+\d"
    # the street words as ASCII text can hold them (lower-cased; "straße", "út", "tér", "vägen" and
    # "náměstí" cannot be in ASCII text, "stra[sș]e" only as "strase"): a substring test, far cheaper
    # than the TRIGGER, skips most texts before it runs
    WORDS = tuple(
        """ul. ulica al. aleja via piazza rue avenue boulevard bd. calle c/ avenida av. rua travessa plaza
        placa strada strase carrer strasse weg gasse allee platz laan straat gracht plein vej gade gata veien
        katu tie str. utca ulice cesta""".split()  # noqa: SIM905 (a word list reads best as words)
    )
