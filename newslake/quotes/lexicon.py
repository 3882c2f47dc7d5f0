"""Word lists the quote rules read: cues, pronouns, the words between a cue and its speaker.

General English news usage only: no names, outlets or topics of any corpus.
"""

from __future__ import annotations

_IRREGULAR = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "writing", "written"),
    "think": ("thinks", "thought", "thinking"),
    "tweet": ("tweets", "tweeted", "tweeting"),
    "admit": ("admits", "admitted", "admitting"),
    "fear": ("fears", "feared", "fearing"),
    "call": ("calls", "called", "calling"),
    "sing": ("sings", "sang", "singing"),
    "chant": ("chants", "chanted", "chanting"),
    "find": ("finds", "found", "finding"),
    "know": ("knows", "knew", "knowing"),
    "show": ("shows", "showed", "showing", "shown"),
    "plan": ("plans", "planned", "planning"),
    "read": ("reads", "read", "reading"),
    "blast": ("blasts", "blasted", "blasting"),
    "see": ("sees", "saw", "seeing"),  # "critics see the plan as a giveaway"
}

_REGULAR = (
    "add acknowledge agree allege announce argue ask assert believe boast caution charge claim "
    "comment complain concede conclude confirm contend continue counter declare deny describe "
    "emphasize emphasise estimate explain expect forecast hope indicate insist joke lament maintain "
    "mention note observe point predict promise pledge propose question quip recall remark "
    "reply report respond reveal stress state suggest testify warn vow urge worry write "
    "accuse attack blame cite condemn criticize criticise decline defend demand denounce dismiss echo "
    "mock praise refuse support oppose want shout yell exclaim plead whisper "
    "reject discuss express unveil consider view offer recommend reference dispute doubt threaten "
    "tout assure imply disagree suspect recognize liken characterize label underscore"
).split()


def inflections(verb: str) -> tuple[str, ...]:
    """The forms of a verb: base, third person, past, -ing (and irregular participles)."""
    return _inflect(verb)


def _inflect(verb: str) -> tuple[str, ...]:
    if verb in _IRREGULAR:
        return (verb, *_IRREGULAR[verb])
    stem = verb[:-1] if verb.endswith("e") else verb
    third = verb + ("es" if verb.endswith(("s", "sh", "ch", "x")) else "s")
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return (verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing")
    return (verb, third, stem + "ed", stem + "ing")


CUE_VERBS: frozenset[str] = frozenset(f for v in (*_REGULAR, *_IRREGULAR) for f in _inflect(v)) - {"writing", "written"}
#: The finite forms ("said", "asks"), which an attribution after a quote uses: "question" is
#: a noun as often as a verb, "questioned" a verb.
FINITE_CUES: frozenset[str] = frozenset(f for v in (*_REGULAR, *_IRREGULAR) for f in _inflect(v)[1:] if not f.endswith("ing")) - {"written", "shown"}

#: Cues that introduce a verbatim quote but rarely reported speech on their own.
QUOTE_ONLY_CUES = frozenset({"continued", "continues", "added", "adds", "asked", "asks", "replied", "quipped", "joked", "read", "reads", "reading",
                             "continue", "continuing"})

PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you", "it"})
PERSON_PRONOUNS = frozenset({"he", "she"})

#: Words that may stand between a speaker and its cue ("X has also said").
BETWEEN = frozenset(
    "also has had have would will later then previously repeatedly recently reportedly once never "
    "often did does do could may might not n't already publicly privately just still again "
    "further quickly simply flatly bluntly openly long last first".split()
) | frozenset(
    f"{w}{a}t" for w in "does did do is was has have had would could wo ca should are were".split() for a in ("n'", "n’")
)

#: Words after a cue that are not yet the content ("said Tuesday that", "told reporters").
TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight recently "
    "earlier later last week month year night morning afternoon evening on this in at".split()
)

#: Words that end a speaker phrase when walking back from the cue.
STOP = frozenset(
    "that and but which when because while as if so though although since after before where whether "
    "than or nor for to of in on at by with from about into over under what how why this these those "
    "is was are were be been being without worth".split()
)

#: Nouns of office a speaker can be named by ("the minister said").
ROLES = frozenset(
    "president minister secretary senator governor mayor spokesman spokeswoman spokesperson "
    "candidate nominee chairman chairwoman chair director chief executive official officials "
    "ambassador judge prosecutor attorney lawyer leader representative congressman congresswoman "
    "commissioner sheriff chancellor premier king queen prince general officer manager founder "
    "author economist analyst professor adviser advisor aide pollster strategist host".split()
)

#: Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr sen rep gov gen lt col sgt st jr sr prof pres jan feb mar apr aug sept sep oct nov dec "
    "inc co corp ltd vs no u.s u.k u.n d.c a.m p.m".split()
)

#: Object pronouns: "told me", "asked him" name the listener, not the speaker.
OBJECTS = frozenset("me him her us them his its their our my your reporters".split())

#: Words before a noun: "those reports", "his claims" are no cues.
DETERMINERS = frozenset("the a an those these this that his her their its our my your such many some no".split())

#: What may follow a cue that introduces the next sentence's quote ("he added on Twitter.").
FRAME_TAIL = frozenset("on in at to after during via before later then".split()) | TIME_WORDS

#: Words in -ly that are nouns, not adverbs ("the family said").
LY_NOUNS = frozenset("family ally rally assembly supply bully italy july anomaly monopoly".split())

#: Cues whose object is the listener, so a speaker never follows them ("told Doe").
LISTENER_CUES = frozenset(("tell", *_IRREGULAR["tell"], "urged", "urges", "warned", "warns", "assured", "assures", "reminded", "reminds"))

#: What may follow a cue that ends an attribution after its content: where, when and to
#: whom ("told reporters on Friday", "said in a statement").
FRAME_WORDS = TIME_WORDS | OBJECTS | frozenset(
    "a an the to of statement interview speech conference news briefing email letter post tweet "
    "television radio phone call press release told".split()
)

#: Verbs of saying and thinking, which can follow their content ("A, she said, B"); not the
#: verbs that take an object ("criticized X").
SPEECH_CUES: frozenset[str] = frozenset(
    f for v in "say tell write note add argue explain insist warn acknowledge claim contend suggest predict "
    "report estimate concede maintain state believe think admit recall assert conclude observe".split()
    for f in _inflect(v)
)

#: The small words a title leaves in lower case ("Face the Nation", "Make Your Kid a Millionaire").
TITLE_WORDS = frozenset("a an the of and or in on to for at by with from".split())

#: Cue forms that are nouns as often as verbs ("Republican support was solid", "his plans"):
#: a cue only after a subject.
NOUN_CUES = frozenset(
    f for v in "support state call comment remark plan note report claim promise pledge reply question charge "
    "estimate forecast demand attack echo hope fear praise blame point mention show find worry boast vow "
    "offer view doubt reference label dispute".split()
    for f in (v, _inflect(v)[1])
) | {"reporting"}

#: Words for people that end a subject ("officials say", "experts warn").
PEOPLE = frozenset(
    "officials experts critics analysts aides advisers advisors lawmakers democrats republicans voters "
    "residents people supporters opponents protesters leaders members researchers scientists economists "
    "investigators police prosecutors authorities sources observers activists doctors".split()
)

#: What follows a noun, not a verb of saying ("support was", "comments came", "support from").
NOUN_NEXT = frozenset("was were is are be been could would will may might can came come comes has have had of from for among by".split())

#: Words for documents and findings that end a subject ("the poll shows", "the ad mentions").
DOCUMENTS = frozenset(
    "poll polls survey study analysis report reports data documents document slide ad ads letter statement "
    "campaign ruling court records figures numbers research evidence video footage memo filing complaint "
    "lawsuit article editorial book website release index average averages video videos transcript tally "
    "results estimates projections recording".split()
)

#: Words that open what a listener was told or asked ("told them that", "asked whether").
REPORT_OPENERS = frozenset("that whether how why what if".split())

#: Cues of asking someone to act, whose object and infinitive are the content ("urged
#: Congress to act").
BID_CUES = frozenset(
    f for v in "urge ask warn encourage tell press implore beg".split() for f in _inflect(v)
)

#: The auxiliaries of a progressive cue ("X is demanding", "X has been arguing").
PROGRESSIVE = frozenset("is are was were am been".split())

#: Conjunctions that join a clause of another speaker to reported content ("A, but critics say B").
CLAUSE_JOINS = frozenset("and but yet while though although whereas".split())


#: Conjunctions after a comma that open a clause of the writer's own, which ends reported
#: content ("..., but critics say", "..., although it may take days").
CLAUSE_OPENERS = frozenset("but while although though yet whereas".split())

#: Words that open a phrase of time or occasion after the object of a cue that is no verb
#: of saying ("attacked X during the debate", "praised X before the vote").
OBJECT_ENDS = frozenset("during since after before because when while amid despite until".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())

#: Cue verbs with a sense that reports nothing, told by the next word: (words, True) keeps
#: the cue only before those words, (words, False) drops it before them.
PHRASAL_SENSES = {
    "decline": (frozenset({"to"}), True),  # "declined to comment"; not "declined slightly"
    "show": (frozenset({"up", "off"}), False),  # "showed up at the debate"
    "call": (frozenset({"into", "in", "back", "off"}), False),  # "called into a radio show"
    "see": (frozenset({"what", "if", "whether", "how", "you", "it", "that"}), False),  # "we will see what happens"
}

#: "X last week said": a time between a speaker and its cue.
WHEN_NOUNS = frozenset("week month year weekend night morning afternoon evening".split()) | frozenset(
    "monday tuesday wednesday thursday friday saturday sunday".split())
WHEN_MODIFIERS = frozenset("last this next on".split())

#: Verbs that cannot open reported content: after one, the cue was inside a relative
#: clause ("what X plans is", "everything X says was").
RELATIVE_GAP = frozenset("is was are were has have had will would".split())

#: Words that open no reported content: a cue before them reports nothing ("what she
#: wants and ...", "what X said when she resigned").
NO_CONTENT = frozenset("and or but when because".split())

#: Nouns of saying and believing whose owner is a speaker ("Doe's claim that ...").
SAYING_NOUNS = frozenset(
    "claim claims assertion argument belief view promise pledge warning suggestion allegation allegations "
    "charge accusation insistence contention statement remark comment comments hope fear concern "
    "prediction assurance vow threat message position assessment estimate finding findings conclusion admission "
    "denial acknowledgment explanation answer response reply excuse theory insinuation implication".split()
)
#: Possessives that name the owner of a claim ("his claim that").
OWNER_PRONOUNS = frozenset("his her their".split())

#: Relative pronouns that stand as the subject of the verb after them ("cities that support").
SUBJECT_RELATIVES = frozenset("who that which".split())

#: Nouns of intent whose owner is a speaker of what follows ("Doe's plan to ...", "her
#: plan would ...").
INTENT_NOUNS = frozenset("plan plans proposal proposals promise promises pledge vow threat call bid refusal decision "
                         "effort efforts attempt push demand determination intention offer".split())


#: Numbers in words, which no subject of a cue ends with ("Eighteen states sued").
NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty hundred hundreds thousand thousands dozen dozens".split()
)

#: Prepositions before a cue in -ing whose speaker is the subject of the sentence ("began
#: by saying that", "while insisting that").
GERUND_PREPS = frozenset("by while of after before when in without".split())

#: The auxiliaries of a passive cue ("was reported by").
PASSIVE_AUX = frozenset("is are was were been be being".split())
