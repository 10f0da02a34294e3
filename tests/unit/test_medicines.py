"""Reading the medicines clients write: generics, brands, near misses, doses and supplements."""

from __future__ import annotations

import functools
import importlib.util
import string
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backcare.clinical import assess
from backcare.errors import KnowledgeError
from backcare.knowledge import Decision, load_knowledge
from backcare.knowledge.names import milligrams, normalise
from tests.conftest import make_intake
from tests.unit.test_knowledge import broken_copy

KB = load_knowledge()
DRUG_NAMES = Path(__file__).resolve().parents[2] / "src/backcare/knowledge/data/drug_names.yaml"


def decision_of(classes: tuple[str, ...]) -> Decision:
    return max((Decision[KB.medications[c].decision] for c in classes), default=Decision.proceed)


# --- Near misses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "generic"),
    [
        ("warfrin", "warfarin"),
        ("ibuprofin", "ibuprofen"),
        ("eliqis", "apixaban"),
        ("metphormin", "metformin"),
        ("atorvastatine", "atorvastatin"),
        ("gabapentine", "gabapentin"),
        ("sertaline", "sertraline"),
        ("Xareltoo 20mg", "rivaroxaban"),
        ("predisone 5 mg", "prednisone"),
    ],
)
def test_a_near_miss_is_read_as_intended_or_left_unrecognised_with_it_suggested(written, generic):
    reading = KB.read_medication(written)
    if reading.how == "unrecognised":
        assert generic in reading.suggestions
        assert reading.generics == ()
    else:
        assert reading.generics == (generic,)
        assert reading.how in ("name", "spelling")


def test_the_named_near_misses_of_blood_thinners_are_read_and_flagged_for_confirmation():
    for written, generic in (("warfrin", "warfarin"), ("eliqis", "apixaban")):
        reading = KB.read_medication(written)
        assert (reading.how, reading.generics, reading.classes) == (
            "spelling",
            (generic,),
            ("anticoagulant",),
        )


def test_a_near_miss_close_to_a_riskier_medicine_is_not_read_as_the_milder_one():
    # "sertaline" is close to sertraline (an SSRI, proceed) and to a brand of primidone
    # (an anti-seizure medicine, modify): nothing is read and both are suggested.
    reading = KB.read_medication("sertaline")
    assert reading.how == "unrecognised"
    assert {"sertraline", "primidone"} <= set(reading.suggestions)


_KNOWN = KB.medication_names
_ONE_WORD = sorted(key for key in _KNOWN if key.isalpha() and len(key) >= 6)
_IGNORED = {normalise(word) for word in KB.matching.ignore_words}


@st.composite
def one_letter_changes(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(_ONE_WORD))
    at = draw(st.integers(min_value=1, max_value=len(name) - 1))  # the first letter is kept
    letter = draw(st.sampled_from(string.ascii_lowercase))
    change = draw(st.sampled_from(["substitute", "delete", "insert", "swap"]))
    if change == "substitute":
        changed = name[:at] + letter + name[at + 1 :]
    elif change == "delete":
        changed = name[:at] + name[at + 1 :]
    elif change == "insert":
        changed = name[:at] + letter + name[at:]
    else:
        at = min(at, len(name) - 2)
        changed = name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    return name, changed


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_letter_changes())
def test_a_one_letter_change_is_never_read_as_a_milder_medicine_of_other_classes(pair):
    name, changed = pair
    assume(changed != name and changed not in _KNOWN and changed not in _IGNORED)
    original = _KNOWN[name]
    reading = KB.read_medication(changed)
    if reading.how == "unrecognised":
        assert reading.suggestions, changed
        return
    assert reading.how == "spelling"
    if set(reading.classes) != set(original.classes):
        assert decision_of(reading.classes) >= decision_of(original.classes), (name, changed)


@pytest.mark.parametrize("written", ["daily", "twice a day", "once a day as needed", "none", "n/a"])
def test_frequency_words_are_not_read_as_a_medicine(written):
    reading = KB.read_medication(written)
    assert reading.generics == ()
    assert reading.classes == ()


@pytest.mark.parametrize(
    ("written", "cls"),
    [
        ("birth control pill", "hormonal_contraception_hrt"),
        ("vitamin D 1000 IU daily", "plain_supplement"),
        ("water pills", "antihypertensive"),
        ("fish oil 1000mg", "bleeding_supplement"),
        ("St John's wort", "herbal_interacting"),
    ],
)
def test_lay_names_are_read_as_their_own_class_only(written, cls):
    reading = KB.read_medication(written)
    assert reading.how == "name"
    assert reading.classes == (cls,)


# --- Breadth: generics, brands and supplements each in a class ------------------------------


@pytest.mark.parametrize(
    ("written", "generic", "cls"),
    [
        ("Lipitor 20mg", "atorvastatin", "statin"),
        ("Synthroid 50 mcg", "thyroxine", "thyroid_medicine"),
        ("Cymbalta 60", "duloxetine", "ssri_snri"),
        ("labetalol 200mg bd", "labetalol", "antihypertensive"),
        ("letrozole 2.5 mg", "letrozole", "aromatase_inhibitor"),
        ("Prolia injection every 6 months", "denosumab", "bone_agent"),
        ("Valtrex", "valacyclovir", "antiviral"),
        ("ondansetron as needed", "ondansetron", "antiemetic"),
        ("Aricept", "donepezil", "dementia_medicine"),
        ("Ventolin inhaler", "albuterol", "inhaled_respiratory"),
        ("Nexium", "esomeprazole", "digestive_medicine"),
        ("Adderall XR", "amphetamine", "adhd_medicine"),
        ("Ozempic weekly", "semaglutide", "insulin_or_hypoglycemic"),
        ("Lantus 20 units at night", "insulin glargine", "insulin_or_hypoglycemic"),
        ("Humira", "adalimumab", "immunosuppressant"),
        ("Lyrica 75mg", "pregabalin", "gabapentinoid"),
        ("ginkgo biloba", "ginkgo biloba", "bleeding_supplement"),
    ],
)
def test_common_generics_and_brands_are_read_into_their_class(written, generic, cls):
    reading = KB.read_medication(written)
    assert reading.how == "name", written
    assert generic in reading.generics
    assert cls in reading.classes


def test_every_class_that_stops_nothing_says_why_and_what_to_ask():
    for cls in KB.medications.values():
        if cls.decision == "proceed":
            assert cls.why, cls.id
            assert cls.questions, cls.id


def test_a_known_harmless_medicine_does_not_take_the_unknown_medicine_path():
    result = assess(
        make_intake(medications=["atorvastatin 20mg", "levothyroxine 50mcg", "cetirizine"]), KB
    )
    assert result.unrecognised_medications == ()
    assert result.decision == Decision.proceed
    assert "policy.unrecognised_medication" not in {f.rule for f in result.findings}


def test_an_ssri_with_an_anti_inflammatory_painkiller_keeps_pressure_light():
    alone = assess(make_intake(medications=["sertraline 50mg"]), KB)
    together = assess(make_intake(medications=["sertraline 50mg", "ibuprofen 400mg"]), KB)
    assert alone.decision == Decision.proceed
    assert together.limits.max_pressure == "light"
    assert "combination.bleeding_medicines_together" in {f.rule for f in together.findings}


# --- Dose rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["aspirin 75mg", "Aspirin 81 mg daily", "low dose aspirin", "baby aspirin"]
)
def test_aspirin_at_an_antiplatelet_dose_is_an_antiplatelet_only(written):
    assert KB.read_medication(written).classes == ("antiplatelet",)


@pytest.mark.parametrize(
    "written",
    [
        "aspirin 75-mg",
        "Aspirin 75mg",
        "aspirin 75 mg",
        "aspirin 75 mg/day",
        "aspirin 0.5-mg",
        "aspirin 0,5 mg",
        "aspirin 75 milligrams once a day",
        "aspirin 75 mgs",
        "aspirin75mg",
    ],
)
def test_a_dose_is_read_however_its_number_and_unit_are_joined(written):
    assert KB.read_medication(written).classes == ("antiplatelet",)


@pytest.mark.parametrize(
    ("written", "doses"),
    [
        ("75-mg", (75.0,)),
        ("75mg", (75.0,)),
        ("75 mg", (75.0,)),
        ("75 mg/day", (75.0,)),
        ("0.5-mg", (0.5,)),
        ("0,5 mg", (0.5,)),
        ("1,000 mg", (1000.0,)),
        ("2 x 500 mg tablets", (500.0,)),
        ("75", ()),
        ("mg 75", ()),
    ],
)
def test_doses_in_milligrams_are_read_from_every_way_of_writing_them(written, doses):
    assert milligrams(written) == doses


@pytest.mark.parametrize(
    "written", ["aspirin 300mg when needed", "aspirin", "aspirin 300-mg", "aspirin 1,000 mg"]
)
def test_aspirin_at_a_pain_dose_or_without_a_dose_is_also_a_pain_medicine(written):
    assert set(KB.read_medication(written).classes) == {"antiplatelet", "analgesic"}


def test_low_dose_aspirin_does_not_raise_the_pain_medicine_finding():
    result = assess(make_intake(medications=["aspirin 75 mg once daily"]), KB)
    rules = {f.rule for f in result.findings}
    assert "medication.antiplatelet" in rules
    assert "medication.analgesic" not in rules


# --- Brand names come from the data set ----------------------------------------------------


@functools.cache
def _script() -> ModuleType:
    """scripts/drug_names.py, loaded as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "drug_names_script", Path(__file__).resolve().parents[2] / "scripts/drug_names.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_drug_names_file_is_what_the_script_makes_from_the_installed_package():
    if importlib.util.find_spec("drug_named_entity_recognition") is None:
        pytest.skip("drug-named-entity-recognition is not installed (pip install -e '.[dev]')")
    text, _ = _script().generate()
    assert text == DRUG_NAMES.read_text(encoding="utf-8")


def test_the_script_leaves_out_ordinary_words_dose_words_and_other_classes_names():
    script = _script()
    known = {
        "warfarin": ("warfarin", ("anticoagulant",)),
        "atorvastatin": ("atorvastatin", ("statin",)),
        "calcium": ("calcium", ("plain_supplement",)),
    }
    dataset = {
        "coumadin": ["warfarin"],
        "daily": ["warfarin"],  # an ordinary word
        "marevan tablets": ["warfarin"],  # a dose or form word
        "sodium, warfarin": ["warfarin"],  # not a plain name
        "warfarin sodium": ["warfarin"],  # contains its generic
        "atorvastatin calcium": ["atorvastatin"],  # the rest names another class: kept
        "lipitor": ["atorvastatin"],
        "calcium": ["warfarin"],  # names a generic of another class
        "mixtab": ["warfarin", "atorvastatin"],  # ambiguous
    }
    result = script.build(known, dataset, frozenset({"daily"}), frozenset({"tablets"}), 85)
    assert result.names == {
        "coumadin": "warfarin",
        "lipitor": "atorvastatin",
        "atorvastatin calcium": "atorvastatin",
    }
    assert dict(result.left_out) == {
        "ordinary_word": 1,
        "dose_word": 1,
        "not_plain": 1,
        "has_generic": 1,
        "other_class": 1,
        "ambiguous": 1,
    }


def test_the_script_splits_combinations_and_keeps_misspellings_apart():
    script = _script()
    known = {
        "losartan": ("losartan", ("antihypertensive",)),
        "hydrochlorothiazide": ("hydrochlorothiazide", ("antihypertensive",)),
        "codeine": ("codeine", ("analgesic", "opioid")),
        "paracetamol": ("paracetamol", ("analgesic",)),
        "erenumab": ("erenumab", ("migraine_medicine",)),
    }
    dataset = {
        "hyzaar": ["losartan and hydrochlorothiazide"],
        "kapake": ["codeine phosphate/paracetamol"],
        "aimovig": ["erenumab-aooe"],
        "losartan": ["losartan"],
        "losartanum": ["losartan"],  # a near spelling of its generic
        "cozaar": ["losartan"],
        "mystery": ["losartan and unobtainium"],  # an ingredient no class lists
        "painkillers": ["paracetamol"],  # a lay name a class lists
    }
    result = script.build(
        known, dataset, frozenset(), frozenset({"phosphate"}), 85, frozenset({"painkillers"})
    )
    assert result.names == {
        "hyzaar": ["losartan", "hydrochlorothiazide"],
        "kapake": ["codeine", "paracetamol"],
        "aimovig": "erenumab",
        "cozaar": "losartan",
    }
    assert result.spellings == {"losartanum": "losartan"}
    assert dict(result.left_out) == {"lay_name": 1}


def test_a_combination_brand_is_read_as_all_its_ingredients_and_their_classes():
    reading = KB.read_medication("co-codamol 30/500 two at night")
    assert set(reading.generics) == {"codeine", "paracetamol"}
    assert {"analgesic", "opioid"} <= set(reading.classes)
    assert reading.how == "name"


def test_a_lay_name_is_a_known_medicine_in_the_assessment_not_an_unknown_one():
    result = assess(make_intake(medications=["blood thinners", "water tablets"]), KB)
    assert result.unrecognised_medications == ()
    rules = {finding.rule for finding in result.findings}
    assert {"medication.anticoagulant", "medication.antihypertensive"} <= rules
    assert "policy.unrecognised_medication" not in rules


def test_a_misspelling_the_data_set_lists_is_read_as_a_spelling_to_confirm():
    reading = KB.read_medication("omeprazol 20mg")
    assert (reading.how, reading.generics) == ("spelling", ("omeprazole",))
    assert reading.suggestions == ("omeprazole",)


@pytest.mark.parametrize(
    ("written", "cls"),
    [("blood thinner", "anticoagulant"), ("the pill", "hormonal_contraception_hrt")],
)
def test_a_lay_name_names_a_class_and_no_generic(written, cls):
    reading = KB.read_medication(written)
    assert (reading.how, reading.generics, reading.classes) == ("name", (), (cls,))


# The most prescribed medicines of the US, UK and Canada (generic names, as ranked lists such as
# ClinCalc's top 300 and the NHS prescription cost analysis name them), and common supplements.
# Words joined by "_" are one name.
MOST_PRESCRIBED = [
    name.replace("_", " ")
    for name in """
atorvastatin metformin levothyroxine lisinopril amlodipine metoprolol albuterol losartan omeprazole
gabapentin hydrochlorothiazide sertraline simvastatin montelukast escitalopram rosuvastatin
bupropion furosemide pantoprazole trazodone dextroamphetamine fluticasone tamsulosin fluoxetine
carvedilol duloxetine meloxicam clopidogrel prednisone citalopram potassium pravastatin tramadol
aspirin alprazolam ibuprofen cyclobenzaprine amoxicillin methylphenidate allopurinol venlafaxine
clonazepam ergocalciferol zolpidem apixaban glipizide hydrocodone spironolactone atenolol
quetiapine cetirizine ondansetron warfarin lamotrigine topiramate rivaroxaban propranolol
buspirone famotidine loratadine sitagliptin empagliflozin semaglutide dulaglutide diclofenac
cholecalciferol oxycodone lorazepam valsartan finasteride estradiol glimepiride hydroxyzine
mirtazapine esomeprazole amphetamine baclofen tizanidine fenofibrate ezetimibe latanoprost
lovastatin naproxen chlorthalidone clonidine diltiazem doxycycline azithromycin cephalexin
ciprofloxacin sulfamethoxazole trimethoprim nitrofurantoin valacyclovir acyclovir fluconazole
prednisolone methylprednisolone dexamethasone triamcinolone budesonide formoterol salmeterol
tiotropium levetiracetam aripiprazole risperidone olanzapine lithium divalproex oxcarbazepine
carbamazepine donepezil memantine ropinirole pramipexole carbidopa levodopa sumatriptan
rizatriptan hydralazine nitroglycerin digoxin amiodarone metronidazole clindamycin mupirocin
ketoconazole terbinafine nystatin triamterene benazepril enalapril ramipril quinapril olmesartan
irbesartan telmisartan candesartan nifedipine verapamil bisoprolol nebivolol labetalol doxazosin
terazosin prazosin bumetanide torsemide metolazone glyburide pioglitazone linagliptin
dapagliflozin canagliflozin liraglutide tirzepatide alendronate ibandronate risedronate
denosumab raloxifene anastrozole letrozole tamoxifen exemestane medroxyprogesterone
norethindrone levonorgestrel drospirenone norgestimate progesterone testosterone sildenafil
tadalafil oxybutynin tolterodine solifenacin mirabegron dutasteride benzonatate guaifenesin
promethazine meclizine metoclopramide dicyclomine sucralfate docusate senna loperamide lactulose
mesalamine hydroxychloroquine methotrexate sulfasalazine adalimumab etanercept tofacitinib
colchicine febuxostat celecoxib nabumetone etodolac indomethacin ketorolac methocarbamol
carisoprodol metaxalone diazepam temazepam eszopiclone doxepin amitriptyline nortriptyline
paroxetine desvenlafaxine vortioxetine vilazodone lisdexamfetamine atomoxetine guanfacine
naltrexone buprenorphine morphine hydromorphone fentanyl methadone tapentadol codeine
acetaminophen paracetamol phentermine varenicline nicotine epinephrine levocetirizine
fexofenadine azelastine olopatadine mometasone beclomethasone ipratropium umeclidinium
vilanterol theophylline roflumilast oseltamivir famciclovir tenofovir emtricitabine bictegravir
dolutegravir lamivudine timolol brimonidine dorzolamide bimatoprost cyanocobalamin liothyronine
methimazole carbimazole desmopressin fludrocortisone clobetasol hydrocortisone tretinoin
adapalene minocycline ivermectin permethrin hydroxyurea cyclosporine tacrolimus mycophenolate
azathioprine prochlorperazine dexmethylphenidate modafinil clobazam phenytoin primidone
zonisamide lacosamide pregabalin ranolazine sotalol flecainide dabigatran enoxaparin heparin
ticagrelor prasugrel cilostazol eplerenone sacubitril ivabradine colesevelam gemfibrozil
evolocumab co-codamol co-amoxiclav lansoprazole bendroflumethiazide indapamide perindopril
edoxaban gliclazide macrogol mebeverine amlodipine naproxen dihydrocodeine zopiclone
mirtazapine cefalexin flucloxacillin phenoxymethylpenicillin clarithromycin aciclovir
salbutamol beclometasone colecalciferol folic_acid insulin_glargine insulin_aspart
ferrous_sulfate zoledronic_acid isosorbide_mononitrate glyceryl_trinitrate
""".split()  # noqa: SIM905 - a readable block of names
]
SUPPLEMENTS = [
    "fish oil", "omega 3", "ginkgo", "garlic", "vitamin E", "turmeric", "ginseng", "vitamin D",
    "calcium", "magnesium", "multivitamin", "glucosamine", "probiotics", "vitamin B12", "iron",
    "zinc", "melatonin", "vitamin C", "collagen", "coq10", "St John's wort", "evening primrose oil",
]  # fmt: skip


def test_the_most_prescribed_medicines_and_common_supplements_each_have_a_class():
    lines = sorted({*MOST_PRESCRIBED, *SUPPLEMENTS})
    unread = [line for line in lines if KB.read_medication(line).how != "name"]
    assert len(lines) >= 320
    assert unread == []


# --- The loader keeps the medicine data consistent -----------------------------------------


def test_the_loader_rejects_a_dose_rule_that_keeps_every_class_of_its_medicine(tmp_path):
    def keep_all(rules):
        rules[0]["only"] = ["antiplatelet", "analgesic"]
        return rules

    with pytest.raises(KnowledgeError, match="medication_doses aspirin: 'only' must be some"):
        load_knowledge(broken_copy(tmp_path, "medication_doses", keep_all))


def test_the_loader_rejects_a_no_change_class_that_asks_nothing(tmp_path):
    def drop_questions(classes):
        for cls in classes:
            if cls["id"] == "statin":
                cls["questions"] = []
        return classes

    with pytest.raises(KnowledgeError, match="medications statin: a class that changes nothing"):
        load_knowledge(broken_copy(tmp_path, "medications/cardiometabolic", drop_questions))


def test_a_combination_naming_an_ingredient_no_class_lists_is_refused(tmp_path):
    def add_combination(names):
        names["typed"]["Madeupcombo"] = ["warfarin", "unobtainium"]
        return names

    with pytest.raises(KnowledgeError, match="'Madeupcombo' names 'unobtainium'"):
        load_knowledge(broken_copy(tmp_path, "drug_names", add_combination))


def test_a_name_listed_both_as_a_generic_and_a_lay_name_is_refused(tmp_path):
    def lay_generic(classes):
        classes[1]["lay_names"] = [*classes[1].get("lay_names", []), classes[0]["names"][0]]
        return classes

    with pytest.raises(KnowledgeError, match="listed both as generic and lay names"):
        load_knowledge(broken_copy(tmp_path, "medications", lay_generic))
