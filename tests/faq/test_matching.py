"""The matcher's vocabulary and its off-topic detector, on the shipped knowledge base."""

from __future__ import annotations

from api.faq.entries import load_entries
from api.faq.index import analyzer
from api.faq.matcher import Matcher
from api.faq.outcome import Thresholds
from api.faq.text import DATA, Intents
from api.faq.topic import MAYBE, OFF

# Shares words with entries (带什么 is the materials intent, 哪里 the place intent) but names
# nothing this bureau does.
SIGHTSEEING = "周末去哪里玩比较好，要带什么东西"


def lexical_matcher(**thresholds: float) -> Matcher:
    return Matcher(load_entries(DATA / "faq.jsonl"), analyzer(), thresholds=Thresholds(**thresholds))


def test_the_off_topic_detector_hands_off_a_question_without_a_domain_term_however_well_it_scores():
    # Thresholds of zero: every on-topic question is confident, so only the detector can hand off.
    matcher = lexical_matcher(min_score=0.0, min_margin=0.0)
    _, info = matcher.scores(SIGHTSEEING)
    assert float(info["lexical"].max()) > 0  # it does score against some entries
    assert not matcher.on_topic(info)
    result = matcher.ask(SIGHTSEEING)
    assert result.handoff is True and result.confident is False
    assert len(result.matches) == 3  # the editors still get suggestions

    on_topic = matcher.ask("网约车资格证去哪里考")
    assert on_topic.confident is True and on_topic.handoff is False


def test_entry_tags_are_kept_whole_by_jieba_once_an_index_holds_them():
    matcher = lexical_matcher()
    assert "三检合一" in matcher.analyzer.words("三检合一是什么意思")  # a tag of the shipped entries
    assert "三检合一" in matcher.domain_terms


def test_typing_slips_and_colloquial_names_fold_to_the_domain_words():
    words = analyzer().words("货车不跑了，运输正怎么注消")
    assert "道路运输证" in words and "注销" in words
    assert "无犯罪记录证明" in analyzer().words("良民证去哪开")


async def test_a_misspelt_question_is_answered_confidently_with_the_right_entry(client):
    # 运输正 and 注消: pinyin input slips for 运输证 and 注销.
    res = await client.get("/api/v1/faq/ask", params={"q": "货车不跑了，运输正怎么注消"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["matches"][0]["id"] == "F041"
    assert body["confident"] is True and body["handoff"] is False


async def test_a_question_off_the_domain_is_handed_off_through_the_api_and_kept(client, db):
    res = await client.get("/api/v1/faq/ask", params={"q": SIGHTSEEING})
    assert res.status_code == 200
    assert res.json()["handoff"] is True and res.json()["confident"] is False
    assert await db.fetchval("SELECT count(*) FROM faq_handoffs WHERE question = $1", SIGHTSEEING) == 1


def test_another_departments_matter_is_handed_off_unless_it_names_a_licence_of_ours():
    matcher = lexical_matcher(min_score=0.0, min_margin=0.0)
    # 车管所 and violations are the traffic police's, though 检测站 and 材料 are words of ours.
    assert matcher.ask("私家车过户要带什么材料去车管所").handoff is True
    assert matcher.ask("违章了怎么处理").handoff is True
    assert matcher.ask("货车过户了，道路运输证怎么办").confident is True


def test_replacing_or_renewing_another_departments_document_is_theirs_unless_it_names_ours():
    # 驾驶证, 行驶证 and 身份证 are asked for by our services but issued by the 车管所 and 公安.
    matcher = lexical_matcher(min_score=0.0, min_margin=0.0)
    assert matcher.ask("驾驶证丢了补办要带啥").handoff is True
    assert matcher.ask("身份证过期了在哪补办").handoff is True
    assert matcher.ask("行驶证丢了怎么补").handoff is True
    assert matcher.ask("网约车驾驶员证丢了怎么补").confident is True  # ours: the licence is the bureau's
    assert matcher.ask("驾驶证要不要上传").handoff is False  # asked for by our services: no renewal


def test_an_unsure_question_on_the_domain_is_offered_the_top_three_and_an_off_topic_one_handed_off():
    # Nothing is confident (min_score above 1), every on-topic match is strong enough to offer.
    matcher = Matcher(load_entries(DATA / "faq.jsonl"), analyzer(),
                      thresholds=Thresholds(min_score=1.1, min_margin=0.0, suggest_score=0.0))
    offered = matcher.ask("网约车资格证去哪里考")
    assert offered.confident is False and offered.handoff is False  # "您是不是想问" the three
    assert len(offered.matches) == 3
    assert matcher.ask(SIGHTSEEING).handoff is True


def test_a_riders_matter_is_off_topic_even_when_it_names_a_vehicle_of_ours():
    matcher = lexical_matcher(min_score=0.0, min_margin=0.0)
    assert matcher.ask("坐网约车怎么开发票").handoff is True
    assert matcher.ask("网约车运输证怎么办").confident is True


def test_other_offices_matters_and_the_trades_own_business_are_handed_off():
    matcher = lexical_matcher(min_score=0.0, min_margin=0.0)
    for question in ("开出租车的社保自己怎么交", "网约车司机公积金能取吗", "货车司机个税怎么报",
                     "出租车份子钱一个月多少", "滴滴抽成太高了", "旧车报废补贴怎么领"):
        assert matcher.ask(question).handoff is True, question
    # A driving licence's 审验 is the 车管所's; a road transport certificate's is ours.
    assert matcher.ask("驾照审验去哪弄").handoff is True
    assert matcher.ask("道路运输证审验怎么办").handoff is False


def test_the_service_a_question_names_is_found_from_the_entries_own_texts():
    matcher = lexical_matcher()
    share = matcher.services.share(matcher.analyzer.words("船舶营运证换证要多久"))
    ship = [i for i, e in enumerate(matcher.entries) if e.service_code == "ship-operating-cert"]
    general = [i for i, e in enumerate(matcher.entries) if e.service_code is None]
    assert share[ship].min() == 1.0 and share[general].max() == 0.0
    # 外地户口 is in one entry of the taxi certificate, but the service the question names is the
    # one most of whose ways of asking say 网约车: a word of one entry does not name its service.
    share = matcher.services.share(matcher.analyzer.words("外地户口能考网约车证吗"))
    of = {e.service_code: float(share[i]) for i, e in enumerate(matcher.entries)}
    assert of["ride-hailing-driver-cert"] == 1.0 and of["taxi-driver-cert"] < 0.5


def test_a_question_in_the_knowledge_bases_words_only_is_offered_never_answered_as_fact():
    # No domain term (synonym group or tag), but 提交/办事/申请 are words the entries use: maybe ours.
    matcher = lexical_matcher(min_score=0.0, min_margin=0.0, suggest_score=0.0, maybe_strength=0.3)
    question = "网上提交的办事申请填错了还能改吗"
    _, info = matcher.scores(question)
    assert matcher.topic.level(info["words"]) == MAYBE
    result = matcher.ask(question)
    assert result.confident is False and result.handoff is False  # "您是不是想问" the three
    assert "F102" in [m.id for m in result.matches]
    # Below the calibrated strength it is not ours: handed off, like a question without those words.
    assert lexical_matcher(min_score=0.0, min_margin=0.0, suggest_score=0.0, maybe_strength=1.1).ask(question).handoff
    # Everyday words (信息, 公司: common in general Chinese) and words of one entry only do not count.
    assert matcher.topic.level(matcher.analyzer.words("推荐几本好看的小说")) == OFF
    assert "信息" not in matcher.topic.vocabulary and "公司" not in matcher.topic.vocabulary


async def test_a_negated_word_finds_the_entry_about_doing_without_it(client):
    # 没 is a stopword; its negated term (非微信) tells "without WeChat" (F085) from "with" (F084).
    assert "非微信" in analyzer().words("我没微信") and "非微信" not in analyzer().words("我用微信")
    res = await client.get("/api/v1/faq/ask", params={"q": "我没微信，掌上办咋登录"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["matches"][0]["id"] == "F085"
    assert body["confident"] is True


def test_everyday_words_for_a_deadline_the_materials_a_fee_and_a_trip_mark_their_intents():
    intents = Intents()
    assert "时限" in intents.of("补正通知收到半个月了还来得及吗")
    assert "材料" in intents.of("公司帮我办注册，我自己要提供啥")
    assert "收费" in intents.of("办这个证要掏钱不") and "收费" in intents.of("证寄过来是到付吗")
    assert "跑动" in intents.of("老板本人要出面几次") and "跑动" in intents.of("是不是还得专门跑趟窗口")


async def test_an_intent_word_in_another_sense_does_not_mark_the_intent(client):
    # Masks in intents.txt: 续 in 手续 is no renewal, 要交 in 要交钱 no material, 我准备买 no materials list.
    intents = Intents()
    assert "到期" not in intents.of("开汽修厂要办什么手续") and "到期" in intents.of("运输证快到期了怎么续")
    assert "材料" not in intents.of("补考要交钱吗") and "收费" in intents.of("补考要交钱吗")
    assert "材料" not in intents.of("我准备买辆货车跑运输") and "材料" in intents.of("要准备什么")
    # So the introduction of 普货 (a similar question says 我准备买…) no longer outranks its materials entry
    # (answered or offered first: how sure the re-ranker is of it is the thresholds' business).
    res = await client.get("/api/v1/faq/ask", params={"q": "普货经营许可证申请要带啥"})
    assert res.status_code == 200, res.text
    assert res.json()["matches"][0]["id"] == "F033" and res.json()["handoff"] is False
