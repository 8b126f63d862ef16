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


def inputs(texts: list[str]) -> np.ndarray:
    words = np.stack([classify.term_vector(analyzer(), t) for t in texts])
    return classify.inputs(np.zeros((len(texts), 512), dtype=np.float32), words)  # wording only


def test_a_new_wording_goes_to_the_entry_whose_ways_of_asking_share_it():
    model = classify.trained(TEXTS, OWNERS, inputs(TEXTS), 2)
    p = model.probabilities(inputs(["我想跑网约车，司机证要考试吗"])[0])
    assert p.argmax() == 0 and p[0] > 0.8 and abs(float(p.sum()) - 1) < 1e-5
    p = model.probabilities(inputs(["刚提的货车，运输证咋弄"])[0])
    assert p.argmax() == 1 and p[1] > 0.8


def test_a_model_is_trained_once_per_content_and_anew_after_an_edit():
    first = classify.trained(TEXTS, OWNERS, inputs(TEXTS), 2)
    assert classify.trained(TEXTS, OWNERS, inputs(TEXTS), 2) is first
    edited = [*TEXTS, "网约车司机证补考怎么约"]
    owners = np.array([*OWNERS, 0], dtype=np.int32)
    assert classify.trained(edited, owners, inputs(edited), 2) is not first


def test_terms_land_in_the_same_slot_in_every_process():
    # crc32, not Python's per-process salted hash(): a model trained in one process reads the same
    # slots in another.
    v = classify.term_vector(analyzer(), "运输证")
    terms = (*analyzer().words("运输证"), *analyzer().bigrams("运输证"))
    assert np.flatnonzero(v).tolist() == sorted({zlib.crc32(t.encode()) % classify.BUCKETS for t in terms})
