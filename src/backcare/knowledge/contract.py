"""The vocabulary of intake spec v1 (shared/spec/intake-v1.md) that the knowledge base must cover.

These names are a public contract: never rename or remove one; add freely.
"""

from __future__ import annotations

REGIONS = (
    "head", "neck", "shoulder_left", "shoulder_right", "upper_back_left", "upper_back_right",
    "mid_back_left", "mid_back_right", "low_back_left", "low_back_right", "spine", "sacrum",
    "buttock_left", "buttock_right", "hip_left", "hip_right", "thigh_left", "thigh_right",
    "calf_left", "calf_right", "arm_left", "arm_right", "chest", "abdomen",
)
SHORTHANDS = {
    name: (f"{side}_left", f"{side}_right")
    for name, side in (
        ("upper_back", "upper_back"), ("mid_back", "mid_back"), ("low_back", "low_back"),
        ("shoulders", "shoulder"), ("buttocks", "buttock"), ("hips", "hip"),
        ("thighs", "thigh"), ("calves", "calf"), ("arms", "arm"),
    )
}
RED_FLAGS = (
    "saddle_numbness", "bladder_or_bowel_change", "progressive_weakness",
    "bilateral_leg_symptoms", "unexplained_weight_loss", "history_of_cancer", "fever",
    "iv_drug_use", "immunosuppressed", "significant_trauma", "pulsatile_abdominal_mass",
    "calf_swelling_one_side", "chest_pain_or_breathlessness",
)
SKIN_FINDINGS = (
    "bruise", "swelling", "open_wound", "rash", "burn", "inflamed", "tender", "varicose_vein",
)
PROCEDURE_KINDS = ("surgery", "injection", "chemotherapy", "radiotherapy")
STATUSES = ("active", "controlled", "history", "suspected")
CONDITION_IDS = (
    "muscle_strain", "ligament_sprain", "herniated_disc", "sciatica", "osteoarthritis",
    "poor_posture", "spinal_stenosis", "spondylolisthesis", "scoliosis", "ankylosing_spondylitis",
    "spinal_fracture", "fibromyalgia", "myofascial_pain", "acute_injury", "infection",
    "contagious_illness", "inflammatory_condition", "bleeding_disorder", "osteoporosis",
    "spinal_problem", "cancer", "bone_metastases", "rheumatoid_arthritis", "cardiovascular_disease",
    "heart_failure", "recent_heart_attack", "hypertension", "diabetes", "peripheral_neuropathy",
    "heartburn", "stomach_ulcer", "kidney_stones", "kidney_disease", "migraine", "headache",
    "neck_injury", "pulmonary_embolism", "deep_vein_thrombosis", "varicose_veins", "sleep_apnea",
    "spinal_cord_injury", "thyroid_disorder", "lymphedema", "low_platelets", "neutropenia",
    "skin_infection", "open_wound", "burn", "anxiety", "depression", "insomnia",
    "gastrointestinal_disorder", "joint_pain", "soft_tissue_damage", "tmj_pain",
    "plantar_fasciitis", "menstrual_cramps", "intoxication", "aneurysm", "epilepsy",
)
CONDITION_SYNONYMS = {
    "arthritis": "osteoarthritis", "nerve_damage": "peripheral_neuropathy",
    "nerve_pain": "peripheral_neuropathy", "cold": "contagious_illness", "flu": "contagious_illness",
}
MEDICATION_CLASSES = (
    "anticoagulant", "antiplatelet", "corticosteroid", "analgesic", "muscle_relaxant",
    "antihypertensive", "insulin_or_hypoglycemic", "chemotherapy", "immunosuppressant",
    "bisphosphonate",
)
