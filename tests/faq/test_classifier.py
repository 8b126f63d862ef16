"""The entry classifier (api/faq/classify.py): learned from the entries' ways of asking, once per
knowledge-base content."""

from __future__ import annotations

import zlib

import numpy as np

from api.faq import classify
from api.faq.index import analyzer

TEXTS = ["网约车驾驶员证怎么考", "跑滴滴的司机证在哪报名", "网约车人证考试去哪考",
         "货车的道路运输证怎么办", "新买的货车营运证去哪办", "大货车运输证办理要带什么"]
OWNERS = np.array([0, 0, 0, 1, 1, 1], dtype=np.int32)
IDS = ["F-driver", "F-vehicle"]


def terms(text: str) -> tuple[str, ...]:
    return (*analyzer().words(text), *analyzer().bigrams(text))


def inputs(texts: list[str]) -> np.ndarray:
    words = np.stack([classify.term_vector(terms(t)) for t in texts])
    return classify.inputs(np.zeros((len(texts), 512), dtype=np.float32), words)  # wording only


def test_a_new_wording_goes_to_the_entry_whose_ways_of_asking_share_it():
    model = classify.trained(TEXTS, OWNERS, inputs(TEXTS), IDS)
    p = model.probabilities(inputs(["我想跑网约车，司机证要考试吗"])[0])
    assert p.argmax() == 0 and p[0] > 0.8 and abs(float(p.sum()) - 1) < 1e-5
    p = model.probabilities(inputs(["刚提的货车，运输证咋弄"])[0])
    assert p.argmax() == 1 and p[1] > 0.8


def test_a_model_is_trained_once_per_content_and_anew_after_an_edit():
    first = classify.trained(TEXTS, OWNERS, inputs(TEXTS), IDS)
    assert classify.trained(TEXTS, OWNERS, inputs(TEXTS), IDS) is first
    edited = [*TEXTS, "网约车司机证补考怎么约"]
    owners = np.array([*OWNERS, 0], dtype=np.int32)
    assert classify.trained(edited, owners, inputs(edited), IDS) is not first


def test_the_live_index_learns_an_edit_from_its_last_model_and_evaluation_never_does(monkeypatch):
    fits: list[tuple[bool, int]] = []
    fit = classify.EntryClassifier.fit.__func__

    def spy(cls, x, labels, entry_ids, *, start=None, steps=classify.STEPS):
        fits.append((start is not None, steps))
        return fit(cls, x, labels, entry_ids, start=start, steps=steps)

    monkeypatch.setattr(classify.EntryClassifier, "fit", classmethod(spy))
    monkeypatch.setattr(classify, "_trained", {})
    monkeypatch.setattr(classify, "_last", None)
    classify.trained(TEXTS, OWNERS, inputs(TEXTS), IDS, live=True)  # the first live index: from zero
    added = "滴滴司机证考几门课"  # an editor's new similar question of the driver entry
    edited, owners = [*TEXTS, added], np.array([*OWNERS, 0], dtype=np.int32)
    model = classify.trained(edited, owners, inputs(edited), IDS, live=True)
    folded = [*TEXTS, "货车运输证年审咋弄"]  # an evaluation's or a fold's index: never from a live model
    classify.trained(folded, np.array([*OWNERS, 1], dtype=np.int32), inputs(folded), IDS)
    assert fits == [(False, classify.STEPS), (True, classify.WARM_STEPS), (False, classify.STEPS)]
    assert model.probabilities(inputs([added])[0]).argmax() == 0


def test_terms_land_in_the_same_slot_in_every_process():
    # crc32, not Python's per-process salted hash(): a model trained in one process reads the same
    # slots in another.
    v = classify.term_vector(terms("运输证"))
    assert np.flatnonzero(v).tolist() == sorted({zlib.crc32(t.encode()) % classify.BUCKETS for t in terms("运输证")})
