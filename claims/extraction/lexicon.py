"""Word lists for attribution: reporting verbs, titles and roles, organisations, function words."""

from __future__ import annotations

import re

from claims.extraction.trie import trie_pattern


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and edit than a list)."""
    return frozenset(text.split())


# Verbs that report what a person or organisation said or claimed (followed by a clause or a quote).
SPEECH_VERBS = word_set(
    "said says say told tells tell added adds claimed claims claim argued argues argue warned warns warn "
    "insisted insists insist stated states explained explains declared declares announced announces "
    "admitted admits acknowledged acknowledges stressed stresses noted notes suggested suggests suggest "
    "believes believe predicted predicts estimated estimates reported reports revealed reveals confirmed "
    "confirms alleged alleges maintained maintains maintain contended contends conceded concedes wrote writes "
    "tweeted posted promised promises pledged pledges vowed vows boasted boasts complained complains "
    "countered counters recalled recalls emphasised emphasized emphasises emphasizes asserted asserts "
    "remarked observed continued continues replied replies responded responds commented comments answered answers")
# Verbs that only introduce a quotation, never a reported clause ("described it as “…”").
QUOTE_VERBS = word_set(
    "described describes called calls branded brands dubbed labelled labeled hailed condemned asked asks "
    "joked quipped concluded began went urged urges blasted slammed accused dismissed derided mocked ridiculed "
    "praised criticized criticised attacked denounced decried lamented pressed "
    "saying adding arguing claiming insisting warning stating declaring noting writing calling describing "
    "branding dubbing labelling labeling urging accusing telling")
# Verbs a document or a set of figures can take ("Home Office figures showed …").
DATA_VERBS = word_set(
    "show shows showed shown found finds find revealed reveals suggest suggests suggested indicate indicates "
    "indicated estimate estimates estimated said says reported reports put puts")
# Verbs that can come before their subject after a comma ("…, said the Treasury.").
INVERTING_VERBS = word_set("said says added adds argued argues claimed claims warned warns insisted insists noted "
                         "notes wrote writes explained explains continued continues replied replies")
PROMISE_VERBS = word_set("promised promises pledged pledges vowed vows")
TELL_VERBS = word_set("told tells tell")

ALL_VERBS = SPEECH_VERBS | QUOTE_VERBS | DATA_VERBS
# The look-ahead on first letters lets ``re`` skip quickly through text that cannot match.
VERB_RE = re.compile(
    "(?=[" + "".join(sorted({v[0] for v in ALL_VERBS})) + r"])(?<![\w'’-])" + trie_pattern(ALL_VERBS) + r"\b")

PRONOUNS = word_set("he she they it")
# Common first names, for "he" and "she" when no "Mr" or "Ms" says which (AP style uses surnames alone).
MALE_NAMES = word_set(
    "aaron adam alan albert alex alexander andrew anthony arthur barack ben benjamin bernie bill bob brandon brian "
    "bruce carl charles chris christopher chuck colin craig dan daniel david dennis derek donald doug douglas ed "
    "edward eric frank fred gary george gerald gordon graham greg gregory harry henry ian jack jacob james jason "
    "jeb jeff jeffrey jeremy jerry jim jimmy joe joel john jon jonathan jose joseph josh joshua keith ken kenneth "
    "kevin larry lawrence lee lindsey luis marco mark martin matt matthew michael mike mitch mitt nathan neil "
    "nick nicholas nigel oliver owen patrick paul peter phil philip ralph ray richard rick rob robert roger ron "
    "ronald rory roy russell ryan sam samuel scott sean simon stephen steve steven stuart ted terry thomas tim "
    "timothy todd tom tony victor vincent wayne william keir rishi boris ed ted tim wade walter")
FEMALE_NAMES = word_set(
    "abigail alice alison amanda amy andrea angela ann anna anne barbara betsy betty carly carol caroline "
    "catherine charlotte cheryl christine claire debbie deborah diana diane donna dorothy elizabeth ellen emily "
    "emma eve evelyn fiona grace hannah harriet heather helen hillary jacqueline jane janet jennifer jessica jill "
    "joan joanna joanne judith judy julia julie karen kate katherine kathleen kathy kay kelly kellyanne kemi "
    "kirsten kristi laura lauren linda lisa liz lucy lynn margaret maria marie marsha martha mary megan melania "
    "melissa michelle nancy natalie nicola nikki nina olivia pam pamela patricia paula penny priti rachel rebecca "
    "rita rose ruth sally samantha sandra sarah sharon shirley sophie stephanie sue susan suzanne theresa tulsi "
    "valerie victoria virginia wendy yvette yvonne")
MALE = word_set("mr sir lord king prince he him his")
FEMALE = word_set("mrs ms miss dame lady baroness queen princess she her")

HONORIFICS = word_set(
    "mr mrs ms miss mx dr sir dame lord lady baroness baron prof professor rev reverend cllr councillor "
    "judge king queen prince princess pope sheikh gen col capt sgt det insp supt "
    "rep reps sen sens gov lt atty adm amb maj cmdr hon pres")
# Abbreviations written with a full stop before a name ("Rep. Joseph Crowley", "Lt. Gov. Owen Petrakis").
DOTTED_HONORIFICS = word_set(
    "Mr Mrs Ms Mx Dr Prof Rev Cllr Gen Col Capt Sgt Det Insp Supt Rep Reps Sen Sens Gov Lt Atty Adm Amb Maj Cmdr "
    "Hon Pres")
# US titles written as abbreviations, and the role each one names.
US_TITLES = {"rep": "Representative", "reps": "Representatives", "sen": "Senator", "sens": "Senators",
             "gov": "Governor", "lt": "Lieutenant", "atty": "Attorney", "amb": "Ambassador",
             "adm": "Admiral", "pres": "President", "gen": "General"}
# Honorifics that are part of how a person is named ("Lord Cameron"); the rest are dropped.
KEEP_HONORIFICS = word_set("lord lady baroness baron king queen prince princess pope sheikh")
# Honorifics that also say what the person does ("Councillor Joan Hartley", "Sen. Margaret Hale").
ROLE_HONORIFICS = word_set("cllr councillor prof professor judge rev reverend gen col capt sgt det insp supt "
                           "rep reps sen sens gov lt atty adm amb maj cmdr pres")
# Capitalised titles that can stand before a name ("Home Secretary Yvette Cooper").
TITLE_WORDS = word_set(
    "prime minister ministers secretary shadow deputy home foreign health education defence defense justice "
    "business culture transport environment work pensions treasury chief vice first attorney general solicitor "
    "speaker leader opposition chancellor president state mayor governor senator ambassador commissioner "
    "secretary-general office exchequer cabinet immigration security policing border borders safeguarding "
    "economic financial energy interior trade junior senior acting interim former ex-minister mp mep msp "
    "minister-president vice-president chairman chairwoman chair director executive representative "
    "congressman congresswoman councilman councilwoman alderman assemblyman assemblywoman sheriff whip "
    "district attorney house senate majority minority press")
TITLE_HEADS = word_set(
    "minister secretary chancellor president leader speaker mayor governor senator ambassador commissioner "
    "general secretary-general mp mep msp chairman chairwoman chair director vice-president representative "
    "congressman congresswoman councilman councilwoman alderman assemblyman assemblywoman sheriff whip attorney")
ROLE_HEADS = word_set(
    "minister ministers secretary chancellor president premier leader mp mps mep msp mla peer spokesperson "
    "spokesman spokeswoman spokespeople chair chairman chairwoman chairperson director chief executive officer "
    "governor mayor senator congressman congresswoman representative ambassador commissioner deputy head adviser "
    "advisor economist analyst professor lecturer researcher expert campaigner activist candidate councillor "
    "official lawyer barrister solicitor judge attorney general founder ceo boss manager editor correspondent "
    "reporter author historian scientist doctor surgeon nurse teacher headteacher principal whip speaker member "
    "counterpart envoy diplomat negotiator strategist pollster commentator presenter host captain owner partner "
    "fellow academic treasurer secretary-general director-general vice-president aide source insider "
    "superintendent inspector constable commander officer coroner prosecutor chairs economist councillor "
    "professor cllr councilman councilwoman alderman assemblyman assemblywoman sheriff nominee challenger "
    "incumbent opponent rival front-runner frontrunner hopeful contender")
# Heads that speak for an organisation rather than being a named person ("a Home Office spokesperson").
SPOKES = word_set(
    "spokesperson spokesman spokeswoman spokespeople source sources official officials insider insiders aide "
    "aides statement representative representatives")
# Documents and figures as a source ("Home Office statistics said …").
DATA_NOUNS = word_set(
    "statistics stats figures figure data report reports study studies survey surveys poll polls research "
    "analysis estimates estimate numbers documents document letter statement review audit assessment "
    "projections forecasts forecast findings memo memos memorandum email emails e-mail filing filings "
    "complaint lawsuit indictment transcript transcripts release guidance notice ruling brief cable cables "
    "polling")
# Singular institutions that speak in their own name ("the government said").
INSTITUTIONS = word_set(
    "government department ministry police council party company firm union charity committee commission "
    "agency regulator watchdog authority board trust bank court army military opposition campaign "
    "organisation organization group club team prosecutors coastguard administration family")
# Plural or vague groups: a source, but not a speaker one can name ("critics said").
GROUPS = word_set(
    "critics campaigners experts officials analysts economists residents opponents supporters ministers mps "
    "people voters witnesses scientists researchers doctors teachers parents unions charities activists "
    "observers insiders sources allies rivals members leaders politicians diplomats authorities lawyers "
    "police officers")

PARTIES = word_set(
    "conservative conservatives tory tories labour liberal democrat democrats lib dem snp green greens reform "
    "uk plaid cymru dup republican republicans democratic independent sinn féin fein alliance")

ORG_WORDS = word_set(
    "office department ministry party council commission agency authority service services trust bank "
    "institute institution foundation union association committee court police constabulary board university "
    "college society federation confederation group company corporation corp ltd plc inc llc network fund "
    "organisation organization centre center alliance coalition forum campaign club times news post guardian "
    "telegraph mail express independent observer street house assembly parliament senate congress treasury "
    "government executive unit bureau commons lords nhs bbc itv reuters force forces army navy inspectorate "
    "watchdog tribunal review charity initiative project programme council consortium registry chamber "
    "chambers partnership league movement guild panel inquiry exchange holdings partners industries airways "
    "airlines railways rail motors pharmaceuticals herald gazette journal magazine radio television tv "
    "observatory think-tank institute academy fellowship secretariat directorate inspectorate ombudsman "
    "foundation bureau consultancy commissioner's administration press ledger tribune chronicle daily "
    "pentagon fbi cia")
PLACE_WORDS = word_set(
    "kingdom states channel sea ocean road avenue lane square city county island islands republic north south "
    "east west northern southern eastern western middle central new great saint st mount lake river valley "
    "bay coast gulf strait airport station park bridge europe africa asia america")

# Capitalised words that start sentences or clauses and are never part of a name.
COMMON_CAPS = word_set(
    "the a an however but and or in on at earlier later meanwhile this that these those it he she they we i you "
    "his her their our its my your when while after before if as since for from with without under over last "
    "next yesterday today tonight tomorrow monday tuesday wednesday thursday friday saturday sunday january "
    "february march april may june july august september october november december speaking asked according "
    "despite although though so now then also some many most all both each every several one two three four "
    "five six seven eight nine ten there here what who why how where which whether such no not only even yet "
    "still instead indeed similarly separately overall first second third finally additionally furthermore "
    "moreover elsewhere again further following during between among against about above below across "
    "within until unless because labour’s labour's it’s it's thanks read more related watch image photo "
    "getty pa copyright share follow sign subscribe u.s u.k u.n")

# Lower-case words that end a noun phrase when reading back from a verb.
NP_STOP = word_set(
    "and but or nor that which who whom whose when while where as if because since so than then though "
    "although unless until after before during in on by with into onto upon about against between among "
    "through without within is are was were be been being has have had do does did will would could should "
    "may might can must shall not also just only even still yet very really again already always never "
    "said says told added claimed argued warned this these those there here what why how whether it its "
    "he she they we i you him her them us me one once both either neither each every yesterday today "
    "tonight tomorrow now later earlier")
# Adverbs and auxiliaries allowed between a subject and its verb ("Mr Jarvis also said").
BETWEEN_SUBJECT_AND_VERB = word_set(
    "also later then previously earlier recently once again further has have had had already has repeatedly "
    "publicly privately separately similarly simply just angrily reportedly quickly directly yesterday today "
    "tonight last week would will could did does do himself herself themselves itself has since however "
    "subsequently initially originally now still")
# What can come between a reporting verb and its clause ("said on Monday in a statement that").
ADVERBIAL = re.compile(
    r"(?:\s*,?\s*(?:on\s+(?:[A-Z]\w+|the\s+\w+)|in\s+(?:an?|the|his|her|their|its)\s+[\w’'-]+(?:\s+[\w’'-]+)?|"
    r"at\s+(?:an?|the)\s+[\w’'-]+(?:\s+[\w’'-]+)?|last\s+\w+|this\s+\w+|yesterday|today|tonight|earlier|"
    r"later|previously|recently|again|also|repeatedly|publicly|privately|separately|in\s+\w+|"
    r"while\s+\w+ing\b[^,]{0,40},|when\s+asked[^,]{0,60},|ahead\s+of\s+[^,]{0,40},)\b)*"
)
# Objects of "told" ("told the BBC", "told MPs", "told reporters", "told the BBC’s Today programme").
TELL_OBJECT = re.compile(
    r"\s+(?:(?:the|a|an|his|her|their|its)\s+)?"
    r"(?:(?:[A-Z][\w’'&.-]*\s+){0,4}[A-Z][\w’'&.-]*(?:\s+(?:programme|show|newspaper|podcast|committee|"
    r"conference|summit|audience|meeting|website|channel|station|radio|hearing|inquiry))?"
    r"|(?:reporters|journalists|delegates|supporters|members|listeners|viewers|voters|activists|colleagues|"
    r"staff|workers|parliament|peers|councillors|committee|house|commons|conference|inquiry|court|hearing|"
    r"rally|meeting|audience|programme|paper|newspaper|broadcaster|station|press|media|crowd|crowds|students|"
    r"residents|business\s+leaders|party\s+members|the\s+\w+)"
    r"|[a-z]+(?:\s+[a-z]+)?(?=\s+that\b|\s*:))\b"
)
REPORTED_BAD_START = word_set(
    "to so nothing goodbye hello thanks thank sorry yes no about of as by when how what why who whether "
    "which if with for from in on at")

# "(D-N.Y.)", "(R-Texas)", "(R)" after a name, or AP style ", D-Ohio,": a party and a state, never a name.
PARTY_STATE = re.compile(
    r"(?<=[\w.])[ \u00a0]?\((?:[DRI]|Dem|Rep|Ind)(?:\.|-[A-Z][A-Za-z.]*(?:[ \u00a0][A-Z][A-Za-z.]*)?)?\)"
    r"|,[ \u00a0](?:[DRI]|Dem|Rep|Ind)-[A-Z][A-Za-z.]*(?:[ \u00a0][A-Z][A-Za-z.]*)?,")
# A dateline opening a paragraph: "WASHINGTON (AP) —", "LONDON (Reuters) -", "COLUMBUS, Ohio —".
DATELINE = re.compile(
    r"[A-Z][A-Z .'’-]{2,40}(?:,[ \u00a0][A-Z][\w.]*(?:[ \u00a0][A-Z][\w.]*)?)?"
    r"(?:[ \u00a0]*\([^()\n]{1,40}\)[ \u00a0]*|[ \u00a0]+)[—–-]+[ \u00a0]*")
# A speaker's name in capitals opening a paragraph of a transcript ("WALLACE: …", "SEN. MONROE: …").
SPEAKER_LABEL = re.compile(
    r"((?:(?:MR|MRS|MS|DR|SEN|REP|GOV)\.[ \u00a0])?[A-Z][A-Z'’-]+(?:[ \u00a0][A-Z][A-Z'’-]+){0,2})"
    r"(?:[ \u00a0]\([^()\n]{1,30}\))?:[ \u00a0]+(?=\S)")
# Capitalised labels that open a paragraph like a speaker's name but are not people.
NOT_SPEAKER_LABELS = word_set(
    "update updated breaking correction clarification note editor's editors watch read related photo video "
    "live analysis opinion exclusive advertisement q a source sources credit warning summary background "
    "transcript caption listen more also see")


def labels_no_one(word: str) -> bool:
    """Whether the first word of a label in capitals ("UPDATE:", "NOTE:") names nobody."""
    return word.lower().rstrip(".:") in NOT_SPEAKER_LABELS
