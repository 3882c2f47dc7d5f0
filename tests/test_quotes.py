"""The quote rules on written cases: frames of attribution, speakers, and what is no quote."""

from __future__ import annotations

import re

from newslake.quotes import Mention, find_quotes
from newslake.quotes.marks import paragraph_regions


def persons(text: str, *names: str) -> list[Mention]:
    """Every occurrence of each name, as a PERSON mention keyed by its last word."""
    out = []
    for name in names:
        for m in re.finditer(re.escape(name), text):
            out.append(Mention(m.start(), m.end(), "PERSON", name.split()[-1]))
    return out


def pieces(text, q):
    return [text[s:e] for s, e in q.content]


def speaker(text, q):
    return text[q.speaker[0]:q.speaker[1]] if q.speaker else None


def test_speaker_after_the_quote():
    text = '"We will rebuild the bridge by spring," said Jane Doe, the mayor.'
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert q.kind == "direct"
    assert pieces(text, q) == ['"We will rebuild the bridge by spring,"']
    assert speaker(text, q) == "Jane Doe" and q.speaker_mention.key == "Doe"
    assert text[q.cue[0]:q.cue[1]] == "said"


def test_speaker_before_the_quote():
    text = 'Jane Doe told the council: “The budget is balanced for the first time in years.”'
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert q.kind == "direct" and speaker(text, q) == "Jane Doe"
    assert pieces(text, q) == ["“The budget is balanced for the first time in years.”"]


def test_interrupted_quote_is_one_quote_with_two_pieces():
    text = "“We did not expect this,” Doe said. “The river rose faster than any model predicted.”"
    (q,) = find_quotes(text, persons(text, "Doe"))
    assert pieces(text, q) == ["“We did not expect this,”", "“The river rose faster than any model predicted.”"]
    assert speaker(text, q) == "Doe"


def test_pronoun_speaker_resolves_across_sentences():
    text = (
        "Jane Doe visited the flooded district on Monday.\n\n"
        "“People here have lost everything they own,” she said."
    )
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "she"
    assert q.speaker_mention is not None and q.speaker_mention.key == "Doe"


def test_pronoun_with_two_people_in_view_stays_unresolved():
    text = (
        "Jane Doe met John Roe on Monday.\n\n"
        "“We agreed on nothing at all today,” she said."
    )
    (q,) = find_quotes(text, persons(text, "Jane Doe", "John Roe"))
    assert speaker(text, q) == "she" and q.speaker_mention is None


def test_role_speaker_resolves_to_the_person_named_by_the_role():
    text = (
        "Finance Minister Jane Doe presented the budget.\n\n"
        "“Nobody will pay more tax next year,” the minister said."
    )
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q).endswith("minister")
    assert q.speaker_mention is not None and q.speaker_mention.key == "Doe"


def test_two_speakers_in_one_paragraph():
    text = "“Taxes must fall this year,” Doe said. “They must not fall at all,” Roe replied."
    a, b = find_quotes(text, persons(text, "Doe", "Roe"))
    assert (speaker(text, a), speaker(text, b)) == ("Doe", "Roe")


def test_nested_quote_stays_inside_its_quote():
    text = "“He told me, ‘Go home now,’ and then he left the room,” Doe said."
    (q,) = find_quotes(text, persons(text, "Doe"))
    assert pieces(text, q) == ["“He told me, ‘Go home now,’ and then he left the room,”"]


def test_scare_quotes_and_titles_are_no_quotes():
    text = (
        "The plan was called a “disaster” by critics.\n\n"
        "The band played “Born to Run” at the rally, and she read from “War and Peace” on stage."
    )
    assert find_quotes(text, []) == []


def test_headline_quote():
    text = "Doe says the city 'will recover' from the flood.\n\nThe mayor spoke on Monday."
    (q,) = find_quotes(text, persons(text, "Doe"))
    assert q.kind in ("indirect", "mixed") and speaker(text, q) == "Doe"
    assert text[q.content[0][0]:q.content[0][1]] == "the city 'will recover' from the flood"


def test_indirect_speech_with_that():
    text = "Jane Doe said on Tuesday that the city would recover within a year."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert q.kind == "indirect" and speaker(text, q) == "Jane Doe"
    assert pieces(text, q) == ["that the city would recover within a year"]


def test_mixed_quote():
    text = "Doe said the storm was “the worst in a century” for the town."
    (q,) = find_quotes(text, persons(text, "Doe"))
    assert q.kind == "mixed"
    assert pieces(text, q) == ["the storm was “the worst in a century” for the town"]


def test_quote_over_paragraphs_is_one_quote():
    text = (
        '"The first thing we did was count the damage. It took us a week.\n\n'
        '"Then we started to rebuild the homes one by one," Doe said.'
    )
    (q,) = find_quotes(text, persons(text, "Doe"))
    assert q.content[0][0] == 0 and q.content[-1][1] == text.index(" Doe")
    assert speaker(text, q) == "Doe"


def test_marks_curly_straight_and_double_apostrophe():
    text = "''Straight on,'' he said. \"Then left,\" she said. “Then right.”"
    regions = [text[r.start:r.end] for r in paragraph_regions(text)]
    assert regions == ["''Straight on,''", '"Then left,"', "“Then right.”"]


def test_open_quote_runs_to_the_paragraph_end():
    (r,) = paragraph_regions("“This quote goes on in the next paragraph.")
    assert not r.closed and r.end == len("“This quote goes on in the next paragraph.")


def test_listener_is_no_speaker():
    text = '"The deal is done and signed by all parties," Doe told me on Friday.'
    (q,) = find_quotes(text, persons(text, "Doe"))
    assert speaker(text, q) == "Doe"


def test_a_question_mark_in_a_quote_does_not_cut_it_from_its_speaker():
    text = (
        "“Every family will get its money back,” Doe said.\n\n"
        "“Why should anyone wait another year for it?” Roe asked. “Nobody can afford that.”"
    )
    a, b = find_quotes(text, persons(text, "Doe", "Roe"))
    assert speaker(text, a) == "Doe"
    assert speaker(text, b) == "Roe" and text[b.cue[0]:b.cue[1]] == "asked"
    assert pieces(text, b) == ["“Why should anyone wait another year for it?”", "“Nobody can afford that.”"]


def test_a_question_quote_before_a_new_sentence_still_ends_it():
    text = "“Who pays for the new road?” The question went unanswered on Monday, and Doe said that the council would decide in May."
    quotes = find_quotes(text, persons(text, "Doe"))
    assert [(q.kind, speaker(text, q)) for q in quotes] == [("direct", None), ("indirect", "Doe")]
    assert pieces(text, quotes[1]) == ["that the council would decide in May"]


def test_speaker_before_a_long_appositive_with_commas():
    text = (
        "“The harbour has never been this busy,” Jane Doe, the head of the port authority, "
        "which runs the docks and the ferry terminal, said on Monday."
    )
    ms = persons(text, "Jane Doe") + [Mention(text.index("the port"), text.index(", which"), "ORG", "port")]
    (q,) = find_quotes(text, ms)
    assert speaker(text, q) == "Jane Doe"


def test_a_place_before_the_speaker_is_no_speaker():
    text = "In Leeds, Jane Doe, the mayor of the city, who has held the office since 2019, warned that the bridge would close for a year."
    ms = persons(text, "Jane Doe") + [Mention(3, 8, "GPE", "Leeds")]
    (q,) = find_quotes(text, ms)
    assert speaker(text, q) == "Jane Doe" and pieces(text, q) == ["that the bridge would close for a year"]


def test_an_adverb_between_speaker_and_cue():
    text = "“We will not sell the club to anyone,” Doe firmly told the meeting."
    (q,) = find_quotes(text, persons(text, "Doe"))
    assert speaker(text, q) == "Doe"


def test_the_object_of_told_is_the_listener_not_the_speaker():
    text = (
        "“The talks are over for this year,” the union leader, who has spoken for all of the "
        "members of the union in the long dispute over pay and hours, told Doe."
    )
    (q,) = find_quotes(text, persons(text, "Doe"))
    assert q.speaker is None  # the leader is too far back to be sure of; Doe only heard it


def test_a_cue_word_inside_a_name_is_no_cue():
    text = "“Our allies will not stand by while the border is attacked,” the United States said in a statement."
    ms = [Mention(text.index("United"), text.index(" said"), "GPE", "us")]
    (q,) = find_quotes(text, ms)
    assert text[q.cue[0]:q.cue[1]] == "said"


def test_as_someone_put_it():
    text = "As Jane Doe, a historian of the city, put it last year, “Every bridge here was built twice.”"
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and text[q.cue[0]:q.cue[1]] == "put it"


def test_speaker_with_a_party_and_state_before_an_appositive():
    text = "“Nobody read the bill before the vote,” Rep. John Roe (D-Ohio), a member of the budget committee, said."
    (q,) = find_quotes(text, persons(text, "John Roe"))
    assert speaker(text, q) == "John Roe"


def test_a_pronoun_speaker_is_the_pronoun_alone():
    text = "Jane Doe spoke for an hour.\n\nAnd then she said the vote was “a victory for every family in the valley.”"
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "she" and q.speaker_mention.key == "Doe"


def test_the_outer_of_two_nested_cues_names_the_speaker():
    text = "Jane Doe, the head of the teachers' union, said she hopes the strike sends a message that “schools are worth fighting for.”"
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and text[q.cue[0]:q.cue[1]] == "said"


def test_transcript_turns_name_their_speakers():
    text = (
        '"HOST: Will the minister resign before the vote next week?\n\n'
        '"DOE: No. I will stay in office and I will win the vote.\n\n'
        '"And I will say so again tomorrow morning."'
    )
    quotes = find_quotes(text, [])
    assert [speaker(text, q) for q in quotes] == ["HOST", "DOE"]
    assert len(quotes[1].content) == 2  # a turn over two paragraphs is one quote in two pieces
    assert pieces(text, quotes[0]) == ["Will the minister resign before the vote next week?"]


def test_the_subject_of_a_second_verb_is_the_speaker():
    text = 'She then turns to the crowd and repeatedly says, "Nobody here will be forgotten tonight," until the lights go out.'
    (q,) = find_quotes(text, [])
    assert speaker(text, q) == "She"


def test_a_role_at_the_head_of_the_sentence_is_the_subject():
    text = "The prime minister also praised the nurses and vowed to end “the longest wait for care in a generation.”"
    quotes = find_quotes(text, [])
    assert [speaker(text, q) for q in quotes] == ["The prime minister"]


def test_a_title_in_quotes_with_its_comma_is_no_quote():
    text = (
        "On “Meet the Nation,” Doe said the plan would pass.\n\n"
        "He read from his book, “Make Your Town a Garden,” at the library on Friday."
    )
    quotes = find_quotes(text, persons(text, "Doe"))
    assert [(q.kind, pieces(text, q)) for q in quotes] == [("indirect", ["the plan would pass"])]


def test_a_quoted_sentence_in_capitals_is_still_a_quote():
    text = "“The Donald. Big Daddy.” Doe said it twice and laughed."
    (q,) = [q for q in find_quotes(text, persons(text, "Doe")) if q.kind == "direct"]
    assert pieces(text, q) == ["“The Donald. Big Daddy.”"]


def test_a_document_can_speak():
    text = "“Every school in the county will stay open this winter,” the letter reads."
    (q,) = find_quotes(text, [])
    assert speaker(text, q) == "the letter" and text[q.cue[0]:q.cue[1]] == "reads"


def test_the_frame_right_after_a_quote_wins_over_a_cue_inside_the_lead():
    text = "The three “rules” she cited are “no phones, no shoes and no shouting in the hall,” the school board reported."
    (q,) = [q for q in find_quotes(text, []) if q.kind == "direct"]
    assert speaker(text, q) == "the school board" and text[q.cue[0]:q.cue[1]] == "reported"


def test_content_before_its_attribution_and_after_it():
    text = "The new line will open in the spring, Jane Doe said on Monday, although the stations may not be finished."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and text[q.cue[0]:q.cue[1]] == "said"
    assert pieces(text, q) == ["The new line will open in the spring", "although the stations may not be finished"]


def test_content_before_a_told_frame():
    text = "The council cannot pay for the new pool this year, Jane Doe told reporters on Friday."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and pieces(text, q) == ["The council cannot pay for the new pool this year"]


def test_an_object_verb_takes_its_content_after_it():
    text = "At the hearing on Tuesday, Jane Doe criticized the board for closing the library early."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert pieces(text, q) == ["the board for closing the library early"]


def test_a_second_cue_of_the_same_speaker_is_a_second_quote():
    text = "Jane Doe said the vote would be close, adding that the party had no money left for the campaign."
    a, b = find_quotes(text, persons(text, "Jane Doe"))
    assert pieces(text, a) == ["the vote would be close"] and speaker(text, a) == "Jane Doe"
    assert pieces(text, b) == ["that the party had no money left for the campaign"] and speaker(text, b) == "Jane Doe"
    assert text[b.cue[0]:b.cue[1]] == "adding"


def test_the_first_speech_cue_of_a_lead_frames_a_quote_inside_it():
    text = "Jane Doe says she admired the nurses for what she calls “a year of work nobody else would have done.”"
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and text[q.cue[0]:q.cue[1]] == "says"
    assert q.kind == "mixed" and pieces(text, q)[0].startswith("she admired the nurses")


def test_what_a_speaker_adds_after_a_quote_is_a_quote_of_its_own():
    text = "“We will not close the school,” Doe said, adding that the council would find the money by March."
    direct, added = find_quotes(text, persons(text, "Doe"))
    assert direct.kind == "direct" and speaker(text, direct) == "Doe"
    assert added.kind == "indirect" and speaker(text, added) == "Doe"
    assert pieces(text, added) == ["that the council would find the money by March"]
    assert text[added.cue[0]:added.cue[1]] == "adding"


def test_a_second_cue_joined_by_but_ends_the_first_content():
    text = "Jane Doe said the plan was too early to judge but noted the budget had doubled since May."
    a, b = find_quotes(text, persons(text, "Jane Doe"))
    assert pieces(text, a) == ["the plan was too early to judge"]
    assert pieces(text, b) == ["the budget had doubled since May"] and speaker(text, b) == "Jane Doe"


def test_a_two_word_title_is_no_quote_but_a_short_reply_is():
    text = "She starred in “The Apprentice,” and on Monday Doe said the show would return.\n\n“Thank you,” Doe said."
    quotes = find_quotes(text, persons(text, "Doe"))
    assert [(q.kind, q.text) for q in quotes] == [("indirect", "the show would return"), ("direct", "“Thank you,”")]


def test_according_to_names_the_source_over_another_verb():
    text = "The minister plans to visit the flooded towns on Sunday, according to a government aide."
    (q,) = find_quotes(text, [])
    assert speaker(text, q) == "a government aide" and text[q.cue[0]:q.cue[1]] == "according to"
    assert pieces(text, q) == ["The minister plans to visit the flooded towns on Sunday"]


def test_a_headline_name_and_colon_is_an_attribution():
    text = "Jane Doe: The Harbour Bridge Will Reopen Before Winter"
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and text[q.cue[0]:q.cue[1]] == ":"
    assert pieces(text, q) == ["The Harbour Bridge Will Reopen Before Winter"]


def test_a_place_and_colon_is_a_dateline_not_a_speaker():
    text = "Leeds: The council met on Monday to vote on the budget."
    assert find_quotes(text, [Mention(0, 5, "GPE", "leeds")]) == []


def test_a_cue_word_used_as_a_noun_is_no_cue():
    text = (
        "Battleground states could decide the election in November.\n\n"
        "Public support for the plan was strong across the county."
    )
    assert find_quotes(text, []) == []


def test_a_noun_like_cue_after_its_subject_is_a_cue():
    text = "A new poll shows that most voters in the city want the tram line extended."
    (q,) = find_quotes(text, [])
    assert speaker(text, q) == "A new poll" and pieces(text, q) == ["that most voters in the city want the tram line extended"]


def test_content_before_an_inverted_attribution():
    text = "The ferry will run again from Monday, said the mayor."
    (q,) = find_quotes(text, [])
    assert speaker(text, q) == "the mayor" and pieces(text, q) == ["The ferry will run again from Monday"]


def test_a_clause_before_a_subject_and_verb_is_no_content():
    text = "Campaigning across the north in the spring, she barely mentioned the railway."
    (q,) = find_quotes(text, [])  # what she mentioned is hers; the clause before her is the writer's
    assert pieces(text, q) == ["the railway"] and speaker(text, q) == "she"


def test_a_byline_and_a_continuing_fight_are_no_quotes():
    text = (
        "The opposition will continue their attacks on the budget in the spring.\n\n"
        "(Additional reporting by Jane Doe; editing by John Roe.)"
    )
    assert find_quotes(text, persons(text, "Jane Doe", "John Roe")) == []


def test_reported_content_ends_at_a_semicolon_or_a_dash():
    text = "Jane Doe said the timing of the vote was not planned; the council only learned of it on Friday."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert pieces(text, q) == ["the timing of the vote was not planned"]


def test_who_after_a_quote_reports_for_its_speaker():
    text = "“The tax will fall on the few,” said Jane Doe, who stressed that most families would pay less."
    direct, added = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, direct) == speaker(text, added) == "Jane Doe"
    assert pieces(text, added) == ["that most families would pay less"]


def test_a_second_speaker_inside_reported_content_has_its_own_quote():
    text = "Jane Doe said the bridge was safe and John Roe warned that it would need repairs within a year."
    a, b = find_quotes(text, persons(text, "Jane Doe", "John Roe"))
    assert (speaker(text, a), pieces(text, a)) == ("Jane Doe", ["the bridge was safe"])
    assert (speaker(text, b), pieces(text, b)) == ("John Roe", ["that it would need repairs within a year"])


# Indirect speech: the cues of stance and the frames around them.


def test_a_progressive_cue_keeps_its_speaker():
    text = "Jane Doe is demanding that the council reopen the library."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and pieces(text, q) == ["that the council reopen the library"]


def test_a_cue_that_frames_quotes_reports_when_that_or_whether_follows():
    text = "Jane Doe added that the bridge would open in May.\n\nLawmakers also asked whether the contract had been signed."
    first, second = find_quotes(text, persons(text, "Jane Doe"))
    assert pieces(text, first) == ["that the bridge would open in May"] and speaker(text, first) == "Jane Doe"
    assert pieces(text, second) == ["whether the contract had been signed"] and speaker(text, second) == "Lawmakers"


def test_a_bid_and_a_question_about_take_the_listener_with_them():
    text = "Jane Doe urged the council to delay the vote until the spring.\n\nJane Doe asked the minister about the cost of the bridge."
    bid, question = find_quotes(text, persons(text, "Jane Doe"))
    assert pieces(text, bid) == ["the council to delay the vote"]  # "until": a time of the bid, not its words
    assert pieces(text, question) == ["the cost of the bridge"]


def test_a_clause_of_its_own_ends_the_content_and_may_report_again():
    text = (
        "Jane Doe said the budget was balanced, but critics say the figures are wrong.\n\n"
        "Ann Smith said the road would close in June, though she noted that buses would still run.\n\n"
        "Jane Doe said the reforms were complete, and rights groups warned that the army still held power."
    )
    found = [(pieces(text, q), speaker(text, q)) for q in find_quotes(text, persons(text, "Jane Doe", "Ann Smith"))]
    assert found == [
        (["the budget was balanced"], "Jane Doe"),
        (["the figures are wrong"], "critics"),
        (["the road would close in June"], "Ann Smith"),
        (["that buses would still run"], "she"),
        (["the reforms were complete"], "Jane Doe"),
        (["that the army still held power"], "rights groups"),
    ]


def test_mixed_content_starts_at_what_was_told_and_ends_at_the_writers_clause():
    text = 'Jane Doe told the crowd that the plan was "a disaster for the whole town," but the vote went ahead.'
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert q.kind == "mixed" and pieces(text, q) == ['that the plan was "a disaster for the whole town,"']


def test_the_object_of_a_cue_that_is_no_verb_of_saying_ends_before_its_occasion():
    text = "Jane Doe attacked the proposal during the debate on Monday.\n\nJane Doe barely mentioned the railway."
    attacked, mentioned = find_quotes(text, persons(text, "Jane Doe"))
    assert pieces(text, attacked) == ["the proposal"] and pieces(text, mentioned) == ["the railway"]


def test_cue_words_in_a_sense_that_reports_nothing():
    text = (
        "Jane Doe showed up at the meeting an hour late.\n\n"
        "Sales declined slightly in March after a strong winter.\n\n"
        "Eighteen states sued, and 12 states filed briefs.\n\n"
        "Editor's note: this story was updated on Friday with new figures.\n\n"
        "We will see what happens when the council meets.\n\n"
        "Everything Jane Doe says is a lie."
    )
    assert find_quotes(text, persons(text, "Jane Doe")) == []


def test_a_time_between_speaker_and_cue():
    text = "Jane Doe last week said the plant would close in the autumn."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and pieces(text, q) == ["the plant would close in the autumn"]


def test_an_infinitive_cue_takes_the_subject_of_its_sentence():
    text = "Jane Doe took to the radio to accuse the council of wasting money."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and text[q.cue[0]:q.cue[1]] == "accuse"


def test_a_cue_in_ing_after_a_preposition_takes_the_subject_of_its_sentence():
    text = "Jane Doe opened the hearing by saying that the harbour would be dredged next year."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and pieces(text, q) == ["that the harbour would be dredged next year"]


def test_a_noun_of_saying_with_its_owner():
    text = "There is no evidence for Jane Doe's claim that the count was rigged."
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and pieces(text, q) == ["that the count was rigged"]


def test_a_headline_capitalizes_its_cue():
    text = "Jane Doe Says The Bridge Will Open In May"
    (q,) = find_quotes(text, persons(text, "Jane Doe"))
    assert speaker(text, q) == "Jane Doe" and pieces(text, q) == ["The Bridge Will Open In May"]


def test_a_long_description_after_an_inverted_cue_and_a_short_head_before_an_interrupting_one():
    text = (
        "The bridge will open in May, said Jane Doe, a spokeswoman for the transport department who has "
        "overseen the project since 2019.\n\n"
        "The museum, Jane Doe said, would open its doors to every school in the county."
    )
    first, second = find_quotes(text, persons(text, "Jane Doe"))
    assert pieces(text, first) == ["The bridge will open in May"] and speaker(text, first) == "Jane Doe"
    assert pieces(text, second) == ["The museum", "would open its doors to every school in the county"]


def test_the_unmarked_paragraph_after_a_colon_frame_and_a_paragraph_of_quote_alone():
    text = (
        "The mayor added:\n\nWe will open the bridge in May and the tram line in June.\n\n"
        "“The library will reopen in the spring,” Jane Doe said.\n\n“And the pool will follow in the summer.”"
    )
    colon, quote = find_quotes(text, persons(text, "Jane Doe"))
    assert pieces(text, colon) == ["We will open the bridge in May and the tram line in June"] and speaker(text, colon) == "The mayor"
    assert len(quote.content) == 2 and speaker(text, quote) == "Jane Doe"  # the same speaker goes on


def test_a_passive_cue_with_its_agent_reports_its_subject():
    text = "The closure of the harbour was first reported by the Gazette on Sunday."
    at = text.index("the Gazette")
    (q,) = find_quotes(text, [Mention(at, at + len("the Gazette"), "ORG", "gazette")])
    assert speaker(text, q) == "the Gazette" and pieces(text, q) == ["The closure of the harbour"]


def test_a_cue_passed_over_does_not_report_the_next_one_twice():
    """A cue that gives no quote ("found that ...", too short a clause) leaves nothing behind
    for the cue after it: each quote once, so its id (article, field, start) is its own."""
    text = ("The study found that when the whites disappeared, a Jurassic-era predator called "
            "the sevengill shark (Notorhynchus cepedianus) moved in.")
    starts = [q.content[0][0] for q in find_quotes(text)]
    assert len(starts) == len(set(starts))


def test_a_second_clause_split_at_its_start_gives_no_empty_quote():
    """"X said A, but admitted B, ...": the clause after "but" is reported once, and no split
    of it leaves a quote with nothing in it."""
    text = ("Iraq said it had foiled a three-pronged thrust some 10 km (six miles) from Basra, but admitted "
            "the Iranians had occupied ground held by the Mohammed al-Qassem unit, one of three divisions attacked.")
    quotes = find_quotes(text)
    assert [q.text for q in quotes] == ["it had foiled a three-pronged thrust some 10 km (six miles) from Basra",
                                        "the Iranians had occupied ground held by the Mohammed al-Qassem unit"]
