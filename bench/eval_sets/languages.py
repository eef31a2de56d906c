"""Support chats in French, German, Spanish, Italian and Dutch (``python bench/eval_sets/languages.py``).

Seeded Faker per locale fills the names, phones, e-mails, dates of birth (national formats), addresses,
postcodes, order numbers, national IDs (valid: Faker's, or computed with python-stdnum) and IBANs of
dialogues written the way customers and agents of that country write them: greetings, a problem, the
agent asking for details (with or without a cue in the reply), an action, a sign-off.
Writes ``bench/eval_sets/data/<split>/lang_<xx>.jsonl`` for the dev and test splits.
"""

from __future__ import annotations

import random  # noqa: TC003
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import Filler, Person, generate, pool, record, write  # noqa: E402

OUT = Path(__file__).resolve().parent / "data"
COUNT = 120

# per language: agent greeting, customer problem, questions (kind -> [(agent question, customer reply)]),
# agent action, agent closing, customer sign-off. Slots: agent, first, last, name, phone, email, dob,
# address, postcode, city (unlabelled), order, natid, iban, product, weekday
T: dict[str, dict[str, Any]] = {
    "fr": {
        "speakers": ("Agent", "Client"),
        "greet": [
            "Bonjour, je suis {agent}, du service client. Comment puis-je vous aider ?",
            "Bonjour et bienvenue ! {agent} à votre écoute, que puis-je faire pour vous ?",
            "Bonsoir, ici {agent}. En quoi puis-je vous être utile aujourd'hui ?",
            "Bonjour ! Vous êtes en ligne avec {agent}. Quelle est votre demande ?",
        ],
        "open": [
            "Bonjour, ma commande n'est toujours pas arrivée alors que le suivi indique livré depuis {weekday}.",  # noqa: E501
            "J'ai reçu un colis abîmé, le {product} ne fonctionne plus du tout.",
            "Je voudrais annuler mon abonnement Premium, je ne l'utilise plus.",
            "Bonjour, j'ai été prélevé deux fois pour la même facture ce mois-ci.",
            "Salut, impossible de me connecter à l'application depuis la mise à jour 😕",
            "Je souhaite changer l'adresse de livraison de ma commande en cours.",
            "C'est mon mari {first} qui a passé la commande, mais le colis est à mon nom.",
            "Ma fille {first} a essayé de vous appeler hier sans succès 😕",
        ],
        "ask": {
            "name": [
                (
                    "Pouvez-vous me donner votre nom et prénom, s'il vous plaît ?",
                    "Oui bien sûr, je m'appelle {name}.",
                ),
                ("À quel nom est le compte ?", "{name}"),
                ("Quel est votre nom de famille ?", "C'est {last}, {first} {last}."),
                ("Puis-je avoir votre nom complet ?", "Mon nom est {name}"),
            ],
            "phone": [
                ("Quel est le numéro de téléphone associé au compte ?", "C'est le {phone}"),
                ("Un numéro où vous joindre ?", "{phone} merci"),
                ("Pouvez-vous confirmer votre téléphone ?", "Mon portable : {phone}"),
            ],
            "email": [
                ("Quelle est votre adresse e-mail ?", "{email}"),
                ("Votre courriel, s'il vous plaît ?", "c'est {email}"),
            ],
            "dob": [
                ("Pour vérifier votre identité, quelle est votre date de naissance ?", "Je suis né le {dob}"),
                ("Votre date de naissance ?", "{dob}"),
            ],
            "address": [
                ("Quelle est votre adresse postale ?", "J'habite au {address}, {postcode} {city}"),
                ("À quelle adresse souhaitez-vous la livraison ?", "{address}, {postcode} {city} svp"),
            ],
            "order": [
                ("Avez-vous le numéro de commande ?", "Oui, commande n° {order}"),
                ("Quelle est la référence du dossier ?", "La référence est {order}"),
            ],
            "natid": [
                (
                    "Pour ce contrat, j'ai besoin de votre numéro de sécurité sociale.",
                    "Voici mon numéro : {natid}",
                )
            ],
            "iban": [("Sur quel IBAN souhaitez-vous le remboursement ?", "Mon IBAN est {iban}")],
        },
        "action": [
            "Merci, je vérifie cela tout de suite. Je vois bien le problème dans notre système.",
            "C'est noté. J'ai transmis votre demande au service Logistique, vous aurez une réponse sous 48 heures.",  # noqa: E501
            "Parfait, le remboursement sera effectué d'ici la fin de la semaine prochaine.",
            "Je viens de relancer l'expédition, un nouveau colis partira demain depuis notre entrepôt de Lyon.",  # noqa: E501
        ],
        "close": [
            "Merci {first}, bonne journée à vous !",
            "Y a-t-il autre chose que je puisse faire pour vous ?",
            "Je vous souhaite une excellente soirée, Madame {last}.",
            "Merci pour votre patience et à bientôt.",
        ],
        "bye": [
            "Merci beaucoup, bonne journée. {first}",
            "Non c'est tout, merci !",
            "Super, merci pour votre aide 🙏",
            "Parfait. Cordialement, {name}",
        ],
    },
    "de": {
        "speakers": ("Agent", "Kunde"),
        "greet": [
            "Guten Tag, mein Name ist {agent}. Wie kann ich Ihnen helfen?",
            "Hallo und willkommen beim Kundenservice! Hier ist {agent}, was kann ich für Sie tun?",
            "Guten Morgen, Sie sprechen mit {agent}. Worum geht es?",
            "Hallo! {agent} hier vom Support. Wie kann ich helfen?",
        ],
        "open": [
            "Guten Tag, meine Bestellung ist immer noch nicht angekommen, obwohl die Sendungsverfolgung seit {weekday} zugestellt anzeigt.",  # noqa: E501
            "Das Paket kam beschädigt an und der {product} funktioniert nicht mehr.",
            "Ich möchte mein Abonnement kündigen, ich nutze den Dienst nicht mehr.",
            "Hallo, mir wurde die Rechnung diesen Monat doppelt abgebucht. Können Sie das prüfen?",
            "Seit dem letzten Update kann ich mich nicht mehr in der App anmelden 😤",
            "Ich würde gerne die Lieferadresse meiner aktuellen Bestellung ändern.",
            "Mein Mann {first} hat die Bestellung aufgegeben, das Paket läuft aber auf meinen Namen.",
            "Meine Tochter {first} hat gestern schon angerufen, ohne Erfolg 😕",
        ],
        "ask": {
            "name": [
                ("Können Sie mir bitte Ihren vollständigen Namen nennen?", "Ja klar, ich heiße {name}."),
                ("Auf welchen Namen läuft das Konto?", "{name}"),
                ("Wie ist Ihr Nachname?", "{last}, Vorname {first}"),
                ("Darf ich Ihren Namen erfahren?", "Mein Name ist {name}"),
            ],
            "phone": [
                ("Wie lautet die Telefonnummer zum Konto?", "Das ist die {phone}"),
                ("Unter welcher Nummer sind Sie erreichbar?", "{phone}, danke"),
                ("Können Sie Ihre Handynummer bestätigen?", "Meine Handynummer: {phone}"),
            ],
            "email": [
                ("Wie lautet Ihre E-Mail-Adresse?", "{email}"),
                ("Ihre E-Mail bitte?", "das ist {email}"),
            ],
            "dob": [
                ("Zur Verifizierung: Wie ist Ihr Geburtsdatum?", "Ich bin am {dob} geboren"),
                ("Ihr Geburtsdatum bitte?", "{dob}"),
            ],
            "address": [
                ("Wie lautet Ihre Anschrift?", "Ich wohne in der {address}, {postcode} {city}"),
                ("An welche Adresse soll geliefert werden?", "{address}, {postcode} {city} bitte"),
            ],
            "order": [
                ("Haben Sie die Bestellnummer zur Hand?", "Ja, Bestellnummer {order}"),
                ("Wie lautet die Vorgangsnummer?", "Die Nummer ist {order}"),
            ],
            "natid": [("Für den Vertrag benötige ich Ihre Steuer-ID.", "Meine Steuer-ID lautet {natid}")],
            "iban": [("Auf welche IBAN sollen wir erstatten?", "Meine IBAN ist {iban}")],
        },
        "action": [
            "Danke, ich prüfe das sofort. Ich sehe das Problem in unserem System.",
            "Alles klar. Ich habe Ihre Anfrage an die Logistikabteilung weitergeleitet, Sie bekommen innerhalb von 48 Stunden eine Antwort.",  # noqa: E501
            "Perfekt, die Erstattung erfolgt bis Ende nächster Woche auf Ihr Konto.",
            "Ich habe den Versand neu angestoßen, ein neues Paket verlässt morgen unser Lager in Hamburg.",
        ],
        "close": [
            "Danke {first}, einen schönen Tag noch!",
            "Kann ich sonst noch etwas für Sie tun?",
            "Ich wünsche Ihnen einen schönen Abend, Frau {last}.",
            "Vielen Dank für Ihre Geduld und bis bald.",
        ],
        "bye": [
            "Vielen Dank, schönen Tag noch. {first}",
            "Nein, das war alles, danke!",
            "Super, danke für die Hilfe 🙏",
            "Perfekt. Mit freundlichen Grüßen, {name}",
        ],
    },
    "es": {
        "speakers": ("Agente", "Cliente"),
        "greet": [
            "Hola, soy {agent}, del servicio de atención al cliente. ¿En qué puedo ayudarle?",
            "¡Buenas tardes! Le atiende {agent}, ¿qué puedo hacer por usted?",
            "Buenos días, le habla {agent}. ¿Cuál es su consulta?",
            "¡Hola! Está hablando con {agent}. ¿Cómo le puedo ayudar hoy?",
        ],
        "open": [
            "Hola, mi pedido todavía no ha llegado aunque el seguimiento dice entregado desde el {weekday}.",
            "Me llegó el paquete dañado y el {product} ya no funciona.",
            "Quiero darme de baja del plan Premium, ya no lo uso.",
            "Buenas, me han cobrado dos veces la misma factura este mes.",
            "No puedo entrar en la aplicación desde la última actualización 😩",
            "Quisiera cambiar la dirección de entrega de mi pedido.",
            "Fue mi marido {first} quien hizo el pedido, pero el paquete está a mi nombre.",
            "Mi hija {first} ya llamó ayer y nadie le contestó 😕",
        ],
        "ask": {
            "name": [
                ("¿Me puede indicar su nombre completo, por favor?", "Sí, claro, me llamo {name}."),
                ("¿A nombre de quién está la cuenta?", "{name}"),
                ("¿Cuál es su apellido?", "{last}, {first} {last}"),
                ("¿Me dice su nombre?", "Mi nombre es {name}"),
            ],
            "phone": [
                ("¿Cuál es el teléfono asociado a la cuenta?", "Es el {phone}"),
                ("¿Un número de contacto?", "{phone} gracias"),
                ("¿Puede confirmar su móvil?", "Mi móvil: {phone}"),
            ],
            "email": [
                ("¿Cuál es su correo electrónico?", "{email}"),
                ("¿Su e-mail, por favor?", "es {email}"),
            ],
            "dob": [
                ("Para verificar su identidad, ¿cuál es su fecha de nacimiento?", "Nací el {dob}"),
                ("¿Fecha de nacimiento?", "{dob}"),
            ],
            "address": [
                ("¿Cuál es su dirección?", "Vivo en {address}, {postcode} {city}"),
                ("¿A qué dirección enviamos el pedido?", "{address}, {postcode} {city} por favor"),
            ],
            "order": [
                ("¿Tiene el número de pedido?", "Sí, pedido nº {order}"),
                ("¿Cuál es la referencia del expediente?", "La referencia es {order}"),
            ],
            "natid": [("Para el contrato necesito su DNI o NIE.", "Mi DNI es {natid}")],
            "iban": [("¿En qué IBAN quiere el reembolso?", "Mi IBAN es {iban}")],
        },
        "action": [
            "Gracias, lo compruebo ahora mismo. Veo el problema en nuestro sistema.",
            "Anotado. He enviado su solicitud al departamento de Logística, tendrá respuesta en 48 horas.",
            "Perfecto, el reembolso se hará antes del final de la semana que viene.",
            "He reactivado el envío, un paquete nuevo saldrá mañana de nuestro almacén de Zaragoza.",
        ],
        "close": [
            "Gracias {first}, ¡que tenga un buen día!",
            "¿Hay algo más en lo que pueda ayudarle?",
            "Le deseo una buena tarde, señora {last}.",
            "Gracias por su paciencia, hasta pronto.",
        ],
        "bye": [
            "Muchas gracias, buen día. {first}",
            "No, eso es todo, ¡gracias!",
            "Genial, gracias por la ayuda 🙏",
            "Perfecto. Saludos, {name}",
        ],
    },
    "it": {
        "speakers": ("Operatore", "Cliente"),
        "greet": [
            "Buongiorno, sono {agent} del servizio clienti. Come posso aiutarla?",
            "Salve e benvenuto! Le risponde {agent}, cosa posso fare per lei?",
            "Buonasera, parla {agent}. Qual è la sua richiesta?",
            "Ciao! Sono {agent} dell'assistenza. Come posso esserti utile?",
        ],
        "open": [
            "Buongiorno, il mio ordine non è ancora arrivato anche se il tracciamento dice consegnato da {weekday}.",  # noqa: E501
            "Il pacco è arrivato danneggiato e il {product} non funziona più.",
            "Vorrei disdire l'abbonamento Premium, non lo uso più.",
            "Salve, mi è stata addebitata due volte la stessa fattura questo mese.",
            "Non riesco più ad accedere all'app dopo l'ultimo aggiornamento 😕",
            "Vorrei cambiare l'indirizzo di consegna del mio ordine.",
            "È stato mio marito {first} a fare l'ordine, ma il pacco è a mio nome.",
            "Mia figlia {first} ha già chiamato ieri senza risposta 😕",
        ],
        "ask": {
            "name": [
                ("Mi può dire nome e cognome, per favore?", "Certo, mi chiamo {name}."),
                ("A nome di chi è l'account?", "{name}"),
                ("Qual è il suo cognome?", "{last}, {first} {last}"),
                ("Posso avere il suo nome completo?", "Il mio nome è {name}"),
            ],
            "phone": [
                ("Qual è il numero di telefono associato all'account?", "È il {phone}"),
                ("Un recapito telefonico?", "{phone} grazie"),
                ("Può confermare il cellulare?", "Il mio cellulare: {phone}"),
            ],
            "email": [
                ("Qual è il suo indirizzo e-mail?", "{email}"),
                ("La sua e-mail, per favore?", "è {email}"),
            ],
            "dob": [
                ("Per verificare l'identità, qual è la sua data di nascita?", "Sono nato il {dob}"),
                ("Data di nascita?", "{dob}"),
            ],
            "address": [
                ("Qual è il suo indirizzo?", "Abito in {address}, {postcode} {city}"),
                ("A quale indirizzo spediamo?", "{address}, {postcode} {city} grazie"),
            ],
            "order": [
                ("Ha il numero d'ordine?", "Sì, ordine n. {order}"),
                ("Qual è il riferimento della pratica?", "Il riferimento è {order}"),
            ],
            "natid": [
                ("Per il contratto mi serve il suo codice fiscale.", "Il mio codice fiscale è {natid}")
            ],
            "iban": [("Su quale IBAN vuole il rimborso?", "Il mio IBAN è {iban}")],
        },
        "action": [
            "Grazie, controllo subito. Vedo il problema nel nostro sistema.",
            "Preso nota. Ho inoltrato la richiesta all'ufficio Logistica, avrà una risposta entro 48 ore.",
            "Perfetto, il rimborso arriverà entro la fine della prossima settimana.",
            "Ho riattivato la spedizione, un nuovo pacco partirà domani dal nostro magazzino di Bologna.",
        ],
        "close": [
            "Grazie {first}, buona giornata!",
            "C'è altro che posso fare per lei?",
            "Le auguro una buona serata, signora {last}.",
            "Grazie per la pazienza e a presto.",
        ],
        "bye": [
            "Grazie mille, buona giornata. {first}",
            "No, è tutto, grazie!",
            "Ottimo, grazie dell'aiuto 🙏",
            "Perfetto. Cordiali saluti, {name}",
        ],
    },
    "nl": {
        "speakers": ("Medewerker", "Klant"),
        "greet": [
            "Goedemiddag, u spreekt met {agent} van de klantenservice. Waarmee kan ik u helpen?",
            "Hallo en welkom! Je spreekt met {agent}, wat kan ik voor je doen?",
            "Goedemorgen, met {agent}. Wat is uw vraag?",
            "Hoi! {agent} hier van support. Hoe kan ik helpen?",
        ],
        "open": [
            "Hallo, mijn bestelling is nog steeds niet binnen terwijl de track en trace sinds {weekday} bezorgd zegt.",  # noqa: E501
            "Het pakket kwam beschadigd aan en de {product} doet het niet meer.",
            "Ik wil mijn Premium abonnement opzeggen, ik gebruik het niet meer.",
            "Goedemiddag, de factuur is deze maand twee keer afgeschreven.",
            "Sinds de laatste update kan ik niet meer inloggen in de app 😩",
            "Ik wil graag het bezorgadres van mijn bestelling wijzigen.",
            "Mijn man {first} heeft de bestelling geplaatst, maar het pakket staat op mijn naam.",
            "Mijn dochter {first} heeft gisteren al gebeld, zonder resultaat 😕",
        ],
        "ask": {
            "name": [
                ("Mag ik uw volledige naam, alstublieft?", "Ja hoor, mijn naam is {name}."),
                ("Op welke naam staat het account?", "{name}"),
                ("Wat is uw achternaam?", "{last}, voornaam {first}"),
                ("Met wie spreek ik?", "Met {name}"),
            ],
            "phone": [
                ("Wat is het telefoonnummer van het account?", "Dat is {phone}"),
                ("Op welk nummer bent u bereikbaar?", "{phone}, dank u"),
                ("Kunt u uw mobiele nummer bevestigen?", "Mijn mobiel: {phone}"),
            ],
            "email": [("Wat is uw e-mailadres?", "{email}"), ("Uw e-mail graag?", "dat is {email}")],
            "dob": [
                ("Ter controle: wat is uw geboortedatum?", "Ik ben geboren op {dob}"),
                ("Uw geboortedatum?", "{dob}"),
            ],
            "address": [
                ("Wat is uw adres?", "Ik woon op {address}, {postcode} {city}"),
                ("Naar welk adres mogen we het sturen?", "{address}, {postcode} {city} graag"),
            ],
            "order": [
                ("Heeft u het bestelnummer bij de hand?", "Ja, bestelnummer {order}"),
                ("Wat is het referentienummer?", "De referentie is {order}"),
            ],
            "natid": [("Voor het contract heb ik uw BSN nodig.", "Mijn BSN is {natid}")],
            "iban": [("Op welk IBAN wilt u de terugbetaling?", "Mijn IBAN is {iban}")],
        },
        "action": [
            "Bedankt, ik kijk het meteen na. Ik zie het probleem in ons systeem.",
            "Genoteerd. Ik heb uw vraag doorgestuurd naar de afdeling Logistiek, u krijgt binnen 48 uur antwoord.",  # noqa: E501
            "Prima, de terugbetaling volgt voor het einde van volgende week.",
            "Ik heb de verzending opnieuw gestart, morgen vertrekt een nieuw pakket uit ons magazijn in Utrecht.",  # noqa: E501
        ],
        "close": [
            "Bedankt {first}, nog een fijne dag!",
            "Kan ik verder nog iets voor u doen?",
            "Ik wens u een fijne avond, mevrouw {last}.",
            "Bedankt voor uw geduld en tot ziens.",
        ],
        "bye": [
            "Heel erg bedankt, fijne dag. {first}",
            "Nee, dat was het, bedankt!",
            "Top, bedankt voor de hulp 🙏",
            "Prima. Met vriendelijke groet, {name}",
        ],
    },
}
LOCALE = {"fr": "fr_FR", "de": "de_DE", "es": "es_ES", "it": "it_IT", "nl": "nl_NL"}
PRODUCTS = [
    "Galaxy Tab",
    "Thermomix",
    "Dyson V15",
    "iPhone",
    "Nespresso Vertuo",
    "Philips Airfryer",
    "Kindle",
]
WEEKDAYS = {
    "fr": ["lundi", "mardi", "vendredi"],
    "de": ["Montag", "Dienstag", "Freitag"],
    "es": ["lunes", "martes", "viernes"],
    "it": ["lunedì", "martedì", "venerdì"],
    "nl": ["maandag", "dinsdag", "vrijdag"],
}
MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}


def _dob(rng: random.Random, fake: Any, lang: str) -> str:
    d = fake.date_of_birth(minimum_age=18, maximum_age=85)
    style = rng.randrange(4)
    if style == 0:
        return d.strftime("%d.%m.%Y")
    if style == 1:
        return f"{d.day}-{d.month}-{d.year}"
    if style == 2:
        return d.strftime("%d/%m/%Y")
    month = MONTHS[lang].split()[d.month - 1]
    return {"es": f"{d.day} de {month} de {d.year}"}.get(
        lang, f"{d.day}{'.' if lang == 'de' else ''} {month} {d.year}"
    )


def _natid(rng: random.Random, fake: Any, lang: str) -> str:
    if lang == "de":
        from stdnum.de import idnr

        while True:
            value = str(rng.randrange(1, 10)) + "".join(str(rng.randrange(10)) for _ in range(10))
            if idnr.is_valid(value):
                return idnr.format(value)
    if lang == "es":
        return fake.nie() if rng.random() < 0.4 else fake.nif()
    return fake.ssn()


def _city(fake: Any, lang: str) -> str:
    # Faker's it_IT builds its city list from a set, so its order (and the seeded pick) follows the
    # process's hash seed: sorted, the set is the same in every run
    if lang != "it":
        return str(fake.city())
    from faker.providers.address.it_IT import Provider

    return str(fake.random_element(sorted(Provider.cities)))


def _order(rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return str(rng.randrange(10_000_000, 99_999_999))
    if style == 1:
        return f"{rng.choice('ABCDEFGHKLMNPRSTW')}{rng.choice('ABCDEFGHKLMNPRSTW')}-{rng.randrange(100_000, 999_999)}"  # noqa: E501
    return f"{rng.randrange(100, 999)}-{rng.randrange(1_000_000, 9_999_999)}"


def make_dialogue(lang: str):  # noqa: ANN201 - a closure for build.generate
    from faker import Faker

    t = T[lang]

    def make(rng: random.Random, split: str, i: int) -> dict[str, Any]:
        fake = Faker(LOCALE[lang])
        fake.seed_instance(rng.randrange(1 << 30))
        person = Person(fake.first_name(), fake.last_name())
        agent = fake.first_name()
        values = {
            "agent": (agent, "PERSON"),
            "first": (person.first, "PERSON"),
            "last": (person.last, "PERSON"),
            "name": (person.full, "PERSON"),
            "phone": (fake.phone_number(), "PHONE"),
            "email": (fake.free_email(), "EMAIL"),
            "dob": (_dob(rng, fake, lang), "DATE_OF_BIRTH"),
            "address": (fake.street_address(), "ADDRESS"),
            "postcode": (fake.postcode(), "ZIP"),
            "city": (_city(fake, lang), None),
            "order": (_order(rng), "ORDER_ID"),
            "natid": (_natid(rng, fake, lang), "SSN"),
            "iban": (fake.iban(), "ACCOUNT_ID"),
            "product": (rng.choice(PRODUCTS), None),
            "weekday": (rng.choice(WEEKDAYS[lang]), None),
        }
        agent_speaker, customer_speaker = t["speakers"]
        turns = [
            (agent_speaker, rng.choice(pool(t["greet"], split))),
            (customer_speaker, rng.choice(pool(t["open"], split))),
        ]
        kinds = rng.sample(sorted(t["ask"]), k=rng.randint(2, 4))
        for kind in kinds:
            question, answer = rng.choice(pool(t["ask"][kind], split) or t["ask"][kind])
            turns += [(agent_speaker, question), (customer_speaker, answer)]
        turns.append((agent_speaker, rng.choice(pool(t["action"], split))))
        turns.append((agent_speaker, rng.choice(pool(t["close"], split))))
        turns.append((customer_speaker, rng.choice(pool(t["bye"], split))))
        return record(f"{lang}-{split}-{i:04d}", f"synthetic_{lang}", turns, Filler(values))

    return make


def main() -> int:
    for split in ("dev", "test"):
        for lang in T:
            records = generate(f"lang_{lang}", split, COUNT, make_dialogue(lang))
            write(OUT / split / f"lang_{lang}.jsonl", records)
    print(f"written {OUT}/{{dev,test}}/lang_*.jsonl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
