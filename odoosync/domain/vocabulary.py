"""What property managers spend on, in English and Arabic: the words of each kind of expense, tied to the kind of
account it books to. The Setup Assistant recognises these in a category ("AC repair", "صيانة المكيفات") and in the
names of a chart's accounts ("Maintenance", "مصروف صيانة"), and matches the two by meaning, not by spelling.

A concept's parent is the account it books to when the chart has no account of its own for it: plumbing is booked
as maintenance, fuel as a vehicle expense. `main` is the child a general word means when the chart has no account
for the general word itself: "Utilities" is the water and electricity account, not the one for other utilities.

Both sides pass through one `words()`: case, Arabic's interchangeable letters, the article and "and" in front, the
sound plurals and the English plural -s are folded, so a term is written once in its usual form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

_TASHKEEL = re.compile("[\u064b-\u0652\u0670\u0640]")
# Hamza forms, ta marbuta and alef maqsura: people write them either way.
_ARABIC_FOLDS = str.maketrans("أإآٱةىؤئ", "ااااهيوي")
_SEPARATORS = re.compile(r"[^\w]+|_")
_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def _arabic_word(word: str) -> str:
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    # Sound feminine plural and the ta marbuta of the singular come to one stem: عمولات, عمولة → عمول.
    if word.endswith("ات") and len(word) >= 5:
        word = word[:-2]
    elif word.endswith("ه") and len(word) >= 4:
        word = word[:-1]
    return word


def _english_word(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    """The words of a text as the vocabulary compares them."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _TASHKEEL.sub("", text).translate(_ARABIC_FOLDS)
    return tuple(
        _arabic_word(word) if _ARABIC_LETTER.search(word) else _english_word(word)
        for word in _SEPARATORS.split(text)
        if word
    )


@dataclass(frozen=True)
class Concept:
    key: str
    label: str  # as a reason shows it
    terms: tuple[str, ...]  # English and Arabic, each a word or a phrase
    parent: str | None = None
    main: str | None = None


def _c(key: str, label: str, terms: str, parent: str | None = None, main: str | None = None) -> Concept:
    return Concept(key, label, tuple(t.strip() for t in terms.split(";") if t.strip()), parent, main)


CONCEPTS: tuple[Concept, ...] = (
    # Utilities
    _c("utilities", "utilities", "utility; utilities; مرافق; خدمات عامة; فواتير خدمات", main="electricity"),
    _c(
        "electricity",
        "electricity",
        "electricity; electric; electric bill; power bill; sec; sec bill; saudi electricity; كهرباء; فاتورة كهرباء; "
        "الشركة السعودية للكهرباء",
        "utilities",
    ),
    _c(
        "water",
        "water",
        "water; water bill; water supply; nwc; sewage; sewer; sewerage; مياه; ماء; فاتورة مياه; صرف صحي; شركة المياه",
        "utilities",
    ),
    _c("other_utilities", "other utilities", "other utility; utility charge; utilities other", "utilities"),
    _c(
        "district_cooling",
        "district cooling",
        "district cooling; chilled water; cooling charge; تبريد مركزي; تبريد المناطق; مياه مبردة",
        "other_utilities",
    ),
    _c("gas", "gas", "gas; lpg; gas cylinder; natural gas; غاز; اسطوانات غاز", "other_utilities"),
    # Communication
    _c("communication", "communications", "communication; telecom; telecommunication; اتصال; اتصالات"),
    _c(
        "telephone",
        "telephone",
        "telephone; phone; mobile; mobile phone; landline; phone bill; هاتف; هواتف; جوال; جوالات; تلفون",
        "communication",
    ),
    _c(
        "internet",
        "internet",
        "internet; wifi; wi fi; broadband; fiber; fibre; data plan; انترنت; نت; واي فاي; الياف بصرية",
        "communication",
    ),
    _c(
        "courier",
        "courier and postage",
        "courier; courrier; postage; post; shipping; delivery; mail; بريد; شحن; توصيل; ارسالية",
        "communication",
    ),
    _c("hosting", "web hosting", "hosting; web hosting; web site hosting; website; domain; استضافة; موقع الكتروني"),
    _c(
        "subscriptions",
        "subscriptions",
        "subscription; software; software subscription; saas; app subscription; اشتراك; اشتراكات; برامج; برنامج",
    ),
    # Maintenance and repairs
    _c(
        "maintenance",
        "maintenance and repairs",
        "maintenance; repair; general repair; repairs and maintenance; repair and maintenance; handyman; "
        "building maintenance; property maintenance; renovation; fix; صيانة; اصلاح; اصلاحات; ترميم; صيانة عامة; "
        "صيانة المباني; اعمال صيانة",
    ),
    _c(
        "plumbing",
        "plumbing",
        "plumbing; plumber; leak; leak repair; drain; drainage; water heater; سباكة; سباك; تسربات; تسريب; "
        "اعمال سباكة; سخان",
        "maintenance",
    ),
    _c(
        "hvac",
        "air conditioning (HVAC)",
        "ac; a c; air conditioning; air conditioner; hvac; ac repair; ac maintenance; chiller; split unit; مكيف; "
        "مكيفات; تكييف; تكييف هواء; صيانة مكيفات; صيانة المكيفات",
        "maintenance",
    ),
    _c("elevator", "elevators", "elevator; lift; escalator; مصعد; مصاعد", "maintenance"),
    _c("painting", "painting", "painting; paint; painter; دهان; دهانات; طلاء; صبغ", "maintenance"),
    _c("carpentry", "carpentry", "carpentry; carpenter; joinery; woodwork; نجارة; نجار; اعمال خشبية", "maintenance"),
    _c(
        "pest_control",
        "pest control",
        "pest control; pest; pests; fumigation; termite; insect; مكافحة حشرات; مكافحة الحشرات; حشرات; رش مبيدات; "
        "مبيدات",
        "maintenance",
    ),
    _c(
        "electrical_works",
        "electrical works",
        "electrical; electrical work; electrical repair; electrician; wiring; lighting; light bulb; bulb; lamp; كهربائي; لمبات; اناره; كهربائية; "
        "اعمال كهربائية; تمديدات كهربائية; فني كهرباء; صيانة كهرباء",
        "maintenance",
    ),
    _c(
        "landscaping",
        "landscaping",
        "landscaping; landscape; gardening; garden; gardener; irrigation; tree trimming; تنسيق حدائق; حدائق; "
        "حديقة; زراعة; تشجير; مزارع",
        "maintenance",
    ),
    _c("pool", "swimming pools", "pool; swimming pool; pool maintenance; مسبح; مسابح; حمام سباحة", "maintenance"),
    _c(
        "fire_safety",
        "fire safety",
        "fire alarm; fire fighting; firefighting; fire extinguisher; fire safety; fire system; انذار حريق; "
        "اطفاء حريق; طفايات; سلامة",
        "maintenance",
    ),
    _c("generator", "generators", "generator; genset; مولد; مولدات", "maintenance"),
    _c("locksmith", "locks", "locksmith; lock; key; اقفال; مفاتيح", "maintenance"),
    _c("waterproofing", "waterproofing", "waterproofing; roof; roofing; عزل; عزل مائي; عزل اسطح", "maintenance"),
    # Security and cleaning
    _c(
        "security",
        "security and guards",
        "security; guard; guarding; guard service; security guard; watchman; cctv; camera; surveillance; patrol; حراسة; كاميرات; "
        "حراسات; حراس; حارس; امن; امن وحراسة; كاميرات مراقبة; مراقبة",
    ),
    _c(
        "cleaning",
        "cleaning",
        "cleaning; cleaner; janitorial; janitor; housekeeping; waste; garbage; trash; waste removal; "
        "water tank cleaning; tank cleaning; facade cleaning; deep cleaning; نظافة; تنظيف; عمال نظافة; نفايات; "
        "قمامة; نقل نفايات; غسيل خزانات; تنظيف خزانات",
    ),
    # Insurance
    _c(
        "insurance",
        "insurance",
        "insurance; building insurance; property insurance; fire insurance; liability insurance; liability; "
        "insurance premium; تامين; تامين مبني; تامين عقار; تامين ضد الحريق; تامين حريق",
    ),
    _c(
        "medical_insurance",
        "medical insurance",
        "medical insurance; health insurance; medical; تامين طبي; تامين صحي",
        "insurance",
    ),
    _c("life_insurance", "life insurance", "life insurance; تامين علي الحياه; تامين حياه", "insurance"),
    # Taxes and government fees
    _c(
        "government_fees",
        "government fees and licences",
        "government fee; government; municipality; municipal; balady; baladi; ejar; ejar fee; license; licence; "
        "trade license; trade licence; permit; registration fee; commercial registration; cr renewal; "
        "chamber of commerce; property tax; white land tax; land tax; رسوم حكومية; بلدية; بلدي; رسوم بلدية; رخصة; "
        "رخص; رخصة تجارية; تصريح; سجل تجاري; منصة ايجار; رسوم منصة ايجار; غرفة تجارية; ضريبة عقارية; "
        "رسوم الاراضي البيضاء; اراضي بيضاء",
    ),
    _c(
        "visa",
        "visas and residence permits",
        "visa; iqama; work permit; residence permit; exit re entry; تاشيرة; تاشيرات; اقامة; اقامات; جوازات; رخصة عمل",
    ),
    _c("sponsorship", "sponsorship (kafala) fees", "sponsorship; kafala; كفالة"),
    _c("zakat", "zakat", "zakat; زكاة"),
    _c("income_tax", "income tax", "income tax; ضريبة الدخل; ضريبة دخل"),
    _c("withholding_tax", "withholding tax", "withholding; withholding tax; ضريبة استقطاع; مستقطعة; ضريبة مستقطعة"),
    # Professional services
    _c(
        "legal",
        "legal",
        "legal; legal fee; lawyer; attorney; law firm; court; court fee; litigation; eviction; eviction case; "
        "notary; محاماة; محامي; محامين; اتعاب محاماة; قانونية; قانوني; رسوم قانونية; قضايا; قضية; اخلاء; "
        "دعوي اخلاء; محكمة; كاتب عدل",
    ),
    _c(
        "audit",
        "audit",
        "audit; auditor; audit fee; external audit; تدقيق; تدقيق حسابات; مراجعة حسابات; مراجع حسابات; "
        "مراجعة الحسابات; مدقق حسابات",
    ),
    _c(
        "professional_fees",
        "professional fees",
        "professional fee; professional service; accounting; accounting service; bookkeeping; accountant; "
        "محاسبة; محاسب; خدمات محاسبية; مسك دفاتر; اتعاب مهنية; رسوم فنية",
    ),
    _c(
        "consulting",
        "consulting",
        "consulting; consultancy; consultant; advisory; engineering consultancy; استشارات; استشارة; استشاري; "
        "استشارية; استشارات هندسية",
    ),
    _c(
        "commission",
        "commissions and brokerage",
        "commission; brokerage; broker; agent commission; leasing commission; finder fee; عمولة; عمولات; سعي; "
        "عمولة سعي; وساطة; وسيط; وساطة عقارية",
    ),
    _c(
        "marketing",
        "marketing and listings",
        "marketing; advertising; advertisement; advert; ad; ads; online ad; listing; property listing; promotion; "
        "signage; signboard; brochure; social media; aqar; bayut; haraj; تسويق; اعلان; اعلانات; دعاية; دعاية "
        "واعلان; لوحات اعلانية",
    ),
    # The office, vehicles, staff
    _c(
        "office",
        "office",
        "office; office supply; office expense; stationery; printing; printer; ink; cartridge; toner; office various; قرطاسية; "
        "ادوات مكتبية; مكتب; مكتبية; طباعة; احبار; حبر",
    ),
    _c("rent", "rent", "rent; lease; ايجار; اجار"),
    _c("office_rent", "office rent", "office rent; ايجار مكتب; اجار مكتب", "rent"),
    _c("warehouse_rent", "warehouse rent", "warehouse rent; storage rent; ايجار مستودع; اجار مستودع", "rent"),
    _c(
        "kitchen",
        "kitchen and hospitality",
        "kitchen; buffet; pantry; tea and coffee; coffee; drinking water; hospitality; مطبخ; بوفيه; ضيافة; "
        "قهوة; مياه شرب",
    ),
    _c(
        "vehicle",
        "vehicles and fuel",
        "vehicle; car; fleet; fuel; petrol; gasoline; diesel; parking; car maintenance; vehicle maintenance; "
        "car repair; car wash; car rental; vehicle rental; tyre; tire; سيارة; سيارات; مركبة; مركبات; وقود; "
        "بنزين; ديزل; محروقات; مواقف; صيانة سيارات; صيانة السيارات; غسيل سيارات; تاجير سيارات",
    ),
    _c(
        "payroll",
        "salaries and wages",
        "salary; wage; payroll; staff salary; basic salary; staff cost; رواتب; راتب; اجور; اجر; "
        "مسير رواتب; رواتب الموظفين; رواتب اساسية; راتب اساسي",
    ),
    _c(
        "personnel_other",
        "other personnel costs",
        "personnel; personnel cost; employee expense; other employee expense; موظفين اخري; مصروفات موظفين",
        "payroll",
    ),
    _c("deductions", "salary deductions", "deduction; salary deduction; خصومات; خصم; خصومات رواتب"),
    _c(
        "housing_allowance",
        "housing allowance",
        "housing allowance; staff accommodation; labour accommodation; worker accommodation; بدل سكن; سكن عمال; سكن موظفين",
        "payroll",
    ),
    _c(
        "transport_allowance",
        "transport allowance",
        "transportation allowance; transport allowance; بدل نقل; بدل مواصلات",
        "payroll",
    ),
    _c(
        "end_of_service",
        "end of service",
        "end of service; gratuity; eos; نهاية الخدمة; مكافاة نهاية الخدمة",
        "payroll",
    ),
    _c("leave", "leave", "leave salary; leave ticket; vacation; اجازة; اجازات; تذاكر موظفين", "payroll"),
    _c("uniform", "uniforms", "uniform; زي موحد; يونيفورم", "payroll"),
    _c("allowances", "staff allowances", "allowance; overtime; بدل; بدلات; عمل اضافي", "payroll"),
    # Banks and cards
    _c(
        "bank_charges",
        "bank charges",
        "bank charge; bank fee; bank commission; banking fee; transfer fee; transfer charge; bank transfer charge; wire fee; bank service charge; "
        "رسوم بنكية; عمولات بنكية; عمولة بنكية; رسوم مصرفية; مصاريف بنكية; رسوم تحويل",
    ),
    _c(
        "card_charges",
        "card charges",
        "credit card; card charge; card fee; card processing; pos fee; mada fee; merchant fee; payment gateway; "
        "بطاقة ائتمان; بطاقات ائتمان; رسوم مدي; نقاط البيع",
        "bank_charges",
    ),
    _c("paypal", "PayPal", "paypal", "card_charges"),
    _c("air_miles", "air miles card", "air miles", "card_charges"),
    _c("loan_charges", "finance and loan charges", "loan; finance charge; finance; interest; قرض; قروض; تمويل; فوائد"),
    # Travel, training, giving
    _c("travel", "travel", "travel; business travel; trip; سفر; رحلات; رحلة عمل"),
    _c(
        "air_tickets",
        "air tickets",
        "air ticket; flight; airfare; plane ticket; تذاكر طيران; تذكرة طيران; طيران",
        "travel",
    ),
    _c("hotel", "hotels", "hotel; accommodation; lodging; فندق; فنادق", "travel"),
    _c("per_diem", "per diem", "per diem; daily allowance; مصاريف يومية; بدل يومي", "travel"),
    _c("meals", "meals", "meal; food; lunch; dinner; catering; وجبات; وجبة; طعام; اعاشة"),
    _c("training", "training", "training; course; workshop; certification; تدريب; دورات; دورة تدريبية"),
    _c("donations", "gifts and donations", "donation; charity; gift; تبرع; تبرعات; صدقة; هدايا; هدية; هبات; خيرية"),
    # Entries of the accountant's own: recognised so that a chart's account for them is never taken for another.
    _c("depreciation", "depreciation", "depreciation; amortisation; amortization; استهلاك; اطفاء"),
    _c("provisions", "provisions and write-offs", "provision; write off; write-off; مخصص; مخصصات; شطب; فروقات"),
    _c("non_operating", "non-operating expenses", "non operating; غير تشغيلي; غير التشغيلي"),
    _c("misc", "other expenses", "other; miscellaneous; misc; sundry; general expense; متفرقات; اخري; متنوعه"),
)

BY_KEY: dict[str, Concept] = {concept.key: concept for concept in CONCEPTS}
# Catch-all words: an account that has them besides its real concept ("Other Bank Charges") is not the less fit.
CATCH_ALL = "misc"


@cache
def _phrases() -> dict[tuple[str, ...], str]:
    index: dict[tuple[str, ...], str] = {}
    for concept in CONCEPTS:
        for term in concept.terms:
            index.setdefault(words(term), concept.key)
    return index


@cache
def _longest() -> int:
    return max(len(phrase) for phrase in _phrases())


@dataclass(frozen=True)
class Recognised:
    concept: str
    said: str  # the words of the text that said it


def recognise(text: str) -> list[Recognised]:
    """The concepts a text names, each by its longest phrase: "car maintenance" is a vehicle expense, not
    maintenance; "chilled water" is district cooling, not water."""
    found = words(text)
    phrases = _phrases()
    spans: list[tuple[int, int, str]] = []
    for start in range(len(found)):
        for length in range(min(_longest(), len(found) - start), 0, -1):
            key = phrases.get(found[start : start + length])
            if key is not None:
                spans.append((start, start + length, key))
                break
    kept = [
        span
        for span in spans
        if not any(o != span and o[0] <= span[0] and span[1] <= o[1] and o[1] - o[0] > span[1] - span[0] for o in spans)
    ]
    shown = _shown_words(text)
    result: list[Recognised] = []
    for start, end, key in kept:
        said = " ".join(shown[start:end]) if len(shown) == len(found) else text.strip()
        if all(r.concept != key for r in result):
            result.append(Recognised(key, said))
    return result


def _shown_words(text: str) -> list[str]:
    return [word for word in _SEPARATORS.split(unicodedata.normalize("NFKC", text)) if word]


def ancestors(key: str) -> Iterable[str]:
    """The concept, then the accounts it books to in turn when a chart has none of its own."""
    seen: set[str] = set()
    current: str | None = key
    while current is not None and current not in seen:
        seen.add(current)
        yield current
        current = BY_KEY[current].parent
