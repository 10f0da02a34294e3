from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from backcare.errors import KnowledgeError
from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import CONDITION_IDS, CONDITION_SYNONYMS, MEDICATION_CLASSES
from backcare.knowledge.loader import data_dir

SEEDS = ["seed-000", "seed-001", "seed-002", "seed-003", "seed-004"]


def broken_copy(tmp_path: Path, file: str, change) -> Path:
    """A copy of the knowledge data with one file changed."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    path = target / f"{file}.yaml"
    path.write_text(yaml.safe_dump(change(yaml.safe_load(path.read_text())), sort_keys=False))
    return target


def test_the_knowledge_version_is_stamped(kb):
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", kb.version)


def test_every_spec_condition_id_and_synonym_resolves(kb):
    for condition in CONDITION_IDS:
        assert kb.condition_id(condition) == condition
    for synonym, condition in CONDITION_SYNONYMS.items():
        assert kb.condition_id(synonym) == condition


def test_every_spec_medication_class_exists_with_common_names(kb):
    assert set(MEDICATION_CLASSES) <= set(kb.medications)
    names = {name.lower() for cls in kb.medications.values() for name in cls.names}
    assert len(names) >= 300
    for name, generic, cls in (
        ("warfarin", "warfarin", "anticoagulant"),
        ("Coumadin", "warfarin", "anticoagulant"),
        ("apixaban", "apixaban", "anticoagulant"),
        ("Eliquis", "apixaban", "anticoagulant"),
        ("rivaroxaban", "rivaroxaban", "anticoagulant"),
        ("Xarelto", "rivaroxaban", "anticoagulant"),
        ("heparin", "heparin", "anticoagulant"),
        ("enoxaparin", "enoxaparin", "anticoagulant"),
        ("clopidogrel", "clopidogrel", "antiplatelet"),
        ("Plavix", "clopidogrel", "antiplatelet"),
        ("prednisone", "prednisone", "corticosteroid"),
    ):
        reading = kb.read_medication(name)
        assert reading.how == "name", name
        assert reading.generics == (generic,), name
        assert cls in reading.classes, name


def test_every_seed_article_is_a_source_and_is_cited(kb):
    for seed in SEEDS:
        assert kb.sources[seed].kind == "seed"
    cited = {s for item in kb.coverage for s in [item.seed]}
    assert cited == set(SEEDS)


def test_every_source_can_be_found_again(kb):
    """A title, and a URL or an author-and-year citation; papers name authors and year."""
    for source in kb.sources.values():
        if source.kind == "seed":
            assert source.file, source.id
            continue
        assert source.title, source.id
        assert source.url or (source.authors and source.year), source.id
        if source.kind in ("trial", "systematic_review"):
            assert source.year, source.id
            assert source.authors or source.url, source.id


def test_the_required_modalities_and_techniques_are_there(kb):
    assert {
        "swedish",
        "deep_tissue",
        "trigger_point",
        "myofascial_release",
        "shiatsu",
        "sports",
        "remedial",
        "relaxation",
        "therapeutic",
        "neuromuscular",
    } <= set(kb.modalities)
    assert {
        "effleurage",
        "petrissage",
        "tapotement",
        "friction",
        "vibration",
        "compression",
        "sustained_pressure",
        "stretching",
    } <= set(kb.techniques)


def test_every_claim_is_graded_and_myths_say_so(kb):
    assert len(kb.claims) >= 40
    for claim in kb.claims.values():
        assert claim.grade in ("supported", "weak", "unsupported", "contradicted", "unverified")
        assert claim.myth == (claim.grade in ("unsupported", "contradicted")), claim.id
    assert any(c.myth for c in kb.claims.values())


def test_a_supported_grade_on_a_verdict_that_rejects_the_claim_is_refused(tmp_path):
    def contradict(claims):
        claim = next(c for c in claims if c["id"] == "claim.caution_in_pregnancy")
        claim["grade"], claim["myth"] = "supported", False
        return claims

    with pytest.raises(KnowledgeError, match="caution_in_pregnancy: graded supported, but"):
        load_knowledge(broken_copy(tmp_path, "claims", contradict))


def test_a_myth_graded_supported_is_refused(tmp_path):
    def flag(claims):
        claim = next(c for c in claims if c["id"] == "claim.reduces_stress")
        claim["myth"] = True
        return claims

    with pytest.raises(KnowledgeError, match="reduces_stress: myth must be true exactly"):
        load_knowledge(broken_copy(tmp_path, "claims", flag))


def test_the_seed_claims_about_health_pressure_causes_and_natural_cures_are_graded(kb):
    for claim_id in (
        "claim.improves_overall_health",
        "claim.good_therapist_uses_light_pressure",
        "claim.therapists_and_doctors_identify_root_cause",
        "claim.effective_natural_solution",
    ):
        assert kb.claims[claim_id].grade == "unsupported", claim_id
    for claim_id in (
        "claim.caution_in_pregnancy",
        "claim.caution_with_osteoporosis_or_spinal_problems",
        "claim.avoid_with_severe_pain",
        "claim.physician_clearance_for_serious_conditions",
        "claim.see_doctor_and_rule_out_causes_first",
        "claim.helps_arthritis_discomfort",
        "claim.myofascial_release_helps_back_pain",
        "claim.eases_anxiety",
    ):
        assert kb.claims[claim_id].grade != "supported", claim_id


def test_every_seed_item_points_at_entries_that_exist(kb):
    assert len(kb.coverage) >= 80
    kinds = kb.kinds()
    for item in kb.coverage:
        for ref in item.covered_by:
            kind, _, entry_id = ref.partition(":")
            assert entry_id in kinds[kind], ref


def test_every_condition_has_a_decision_for_every_status(kb):
    for condition_id, outcomes in kb.condition_outcomes.items():
        assert set(outcomes) == {"active", "controlled", "history", "suspected", "unstated"}, (
            condition_id
        )


def test_where_sources_disagree_both_are_recorded_and_a_choice_is_made(kb):
    disagreements = [d for c in kb.conditions.values() for d in c.disagreements]
    disagreements += [d for r in kb.rules for d in r.rule.disagreements]
    topics = " ".join(d.topic.lower() for d in disagreements)
    assert len(disagreements) >= 5
    for word in ("osteoporosis", "diabetes"):
        condition = kb.conditions[word]
        assert condition.disagreements, word
        assert {p.decision for d in condition.disagreements for p in d.positions} >= {"clearance"}
    assert "pregnan" in topics
    for disagreement in disagreements:
        assert disagreement.follows
        assert disagreement.because


def test_a_citation_of_an_unknown_source_is_refused(tmp_path):
    def cite_nothing(conditions):
        conditions[0]["active"]["sources"] = ["no-such-source"]
        return conditions

    with pytest.raises(KnowledgeError, match="cites unknown source 'no-such-source'"):
        load_knowledge(broken_copy(tmp_path, "conditions/core", cite_nothing))


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(KnowledgeError, match="duplicate id"):
        load_knowledge(broken_copy(tmp_path, "modalities", lambda items: [*items, items[0]]))


def test_an_entry_without_sources_is_refused(tmp_path):
    def strip(items):
        items[0]["sources"] = []
        return items

    with pytest.raises(KnowledgeError, match="sources"):
        load_knowledge(broken_copy(tmp_path, "techniques", strip))


def test_a_missing_spec_condition_is_refused(tmp_path):
    def drop(conditions):
        return [c for c in conditions if c["id"] != "sciatica"]

    with pytest.raises(KnowledgeError, match="'sciatica' is missing"):
        load_knowledge(broken_copy(tmp_path, "conditions/core", drop))


def test_every_outcome_that_stops_massage_says_what_to_do(kb):
    stopping = ("clearance", "refer", "emergency")
    for compiled in kb.rules:
        if compiled.rule.decision in stopping:
            assert compiled.rule.action, compiled.rule.id
    for cls in kb.medications.values():
        if cls.decision in stopping:
            assert cls.action, cls.id
    for condition_id, outcomes in kb.condition_outcomes.items():
        for status, outcome in outcomes.items():
            if outcome.decision in stopping:
                assert outcome.action, (condition_id, status)


def test_an_entry_lists_every_source_it_cites_anywhere_inside_it(kb):
    cited = kb.cited(kb.conditions["osteoporosis"])
    assert {"werner-pathology", "werner-osteoporosis-2024", "seed-003"} <= set(cited)
    assert cited == sorted(cited)
    assert set(cited) <= set(kb.sources)


def _break_condition(tmp_path, condition_id, change):
    def edit(conditions):
        for entry in conditions:
            if entry["id"] == condition_id:
                change(entry)
        return conditions

    return broken_copy(tmp_path, "conditions/core", edit)


def test_an_action_that_asks_for_written_clearance_needs_at_least_a_clearance(tmp_path):
    def ask(entry):
        entry["active"]["action"] = "Ask the client's physician for written clearance."

    with pytest.raises(KnowledgeError, match=r"osteoporosis \(active\): its action asks for"):
        load_knowledge(_break_condition(tmp_path, "osteoporosis", ask))


def test_a_conditional_clearance_question_may_stay_a_modification(tmp_path):
    def ask_if_severe(entry):
        entry["active"]["action"] = "If the bone is very fragile, ask for written clearance first."

    kb = load_knowledge(_break_condition(tmp_path, "osteoporosis", ask_if_severe))
    assert kb.conditions["osteoporosis"].active.decision == "modify"


def test_postpone_is_refused_for_a_condition_that_is_not_a_passing_state(tmp_path):
    def postpone(entry):
        entry["active"]["decision"] = "postpone"

    with pytest.raises(KnowledgeError, match=r"osteoporosis \(active\): 'postpone' is shown as"):
        load_knowledge(_break_condition(tmp_path, "osteoporosis", postpone))


def test_an_episodic_condition_must_say_what_to_do_when_no_status_is_written(tmp_path):
    def forget(entry):
        entry.pop("unstated")

    with pytest.raises(KnowledgeError, match="migraine: episodic"):
        load_knowledge(_break_condition(tmp_path, "migraine", forget))


def test_no_active_clot_is_shown_under_the_passing_illness_headline(kb):
    assert kb.conditions["deep_vein_thrombosis"].active.decision == "clearance"


def test_the_parsed_cache_gives_the_same_knowledge_and_a_damaged_one_is_ignored(tmp_path):
    from backcare.knowledge import loader

    texts = loader._texts(data_dir())
    parsed = loader._parsed(texts, tmp_path)
    (cached,) = tmp_path.glob("knowledge-*.json")
    assert loader._parsed(texts, tmp_path) == parsed
    cached.write_text("{not json")
    assert loader._parsed(texts, tmp_path) == parsed
