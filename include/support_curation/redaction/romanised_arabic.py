"""Arabic names as customers write them in the Latin alphabet (Faker's Arabic locales hold them only in
Arabic script): common given names and family names, with their usual spellings. Read into the English
gazetteer by ``names.gazetteer``, under the same word-frequency guards as every other list.
"""

from __future__ import annotations

_GIVEN = """
abd abdel abdul abdallah abdullah abdulla abdulaziz abdelaziz abdulrahman abdelrahman abdulkarim
abdelkader abdulkader abdelkarim abdulhamid abdelhamid abdulmalik abdelmalik bakr bakar ahmad ahmed
hamad hamed hamid hamza hamzah hassan hasan hussein husain hussain husam houssam ibrahim ismail
ismael jamal jamil kareem karim khaled khalid mahmoud mahmud majid majed marwan mohamed mohammad
mohammed muhammad mohamad mostafa mustafa moustafa nabil nasser nasir nassir omar umar osama usama
qasim kasim rashid rashed saeed saif sayf salah saleh salih salim saleem sami samir sameer tariq
tarek tarik waleed walid yasser yasir yousef youssef yusuf youssouf zaid zayd ziad ziyad adel adil
amr anas ayman bilal fadi fahad fahd faisal faysal fares faris ghassan haitham haytham hisham imad
issa jaber jabir jawad khalil louay mazen muath muadh munir nizar qais rami raed rayan riyad sultan
talal tamer wael wissam yahya yazan zakaria zakariya ammar anwar aisha aicha aysha amal amina aminah
amira asma basma dalia dina duaa eman iman esraa fatima fatimah fatma ghada hala hanan hiba huda
inas jamila kholoud khadija khadijah laila layla leila lina lubna mariam maryam mona muna nadia
najwa nawal noura nour noor rania rasha reem rim ruqayya safa salma samira sawsan shaima shaimaa
suha sumaya wafa yasmin yasmine zainab zaynab zeinab zahra
"""
_FAMILY = """
saud rashid alrashid siddiqui siddiqi qureshi quraishi hashemi hashimi masri tamimi otaibi harbi
ghamdi zahrani qahtani shammari mutairi dosari dossary anazi shehri subaie juhani maliki hamdan
mansour mansur nasr haddad khoury khouri nassar salem hamdi hamdy farouk farouq sabbagh najjar
shaikh sheikh yousif darwish awad azzam badawi barakat bakri bashir boutros dabbagh fakhoury ghanem
habib hijazi hakim halabi hariri jabari kabbani kanaan karam khatib maalouf mahfouz mansoori marzouk
mattar mikati moussa najib nasrallah obeid qassem rahal sabbah sadek sadiq salameh sarkis shaheen
shahin suleiman sulaiman tahan tawil yassin zaher zayed zidane
"""
GIVEN = frozenset(_GIVEN.split())
FAMILY = frozenset(_FAMILY.split())
# particles inside a name, lower-case or capitalised: "bin Khalid", "Al-Saud", "Noor ul Huda", "Abu Bakr"
PARTICLES = frozenset(["al", "el", "bin", "ibn", "bint", "binti", "abu", "ul", "ud", "ad", "as"])
