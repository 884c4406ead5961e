"""Word lists of the matcher: legal forms, regions, titles, nicknames and surname readings.

Plain literals only; the normaliser turns them into lookup structures when it is built.
"""

from __future__ import annotations

# Latin legal-form words, matched as whole tokens (after punctuation is removed).
LATIN_LEGAL_FORMS = (
    "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "co", "company", "corp",
    "corporation", "gmbh", "plc", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "pte",
    "pty", "kk", "kg", "oy", "ab", "pc", "pllc", "lllp", "ulc", "aktiengesellschaft",
)

# Latin words dropped anywhere in an organisation name.
LATIN_NOISE = ("the", "and", "of")

# Chinese legal forms, stripped from the end (longest first when matching).
HAN_LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "有限公司", "集团有限公司", "集团股份有限公司",
    "控股有限公司", "普通合伙", "特殊普通合伙", "有限合伙", "合伙企业", "个人独资企业",
    "分公司", "总公司", "集团公司", "公司", "集团", "有限", "股份",
)

# Chinese provinces, municipalities and large cities, stripped as a prefix or a bracketed region.
HAN_REGIONS = (
    "中国", "中华", "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江",
    "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南",
    "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏",
    "新疆", "香港", "澳门", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉", "西安",
    "青岛", "大连", "厦门", "宁波", "长沙", "郑州", "济南", "合肥", "福州", "沈阳", "哈尔滨",
    "长春", "石家庄", "太原", "昆明", "南宁", "贵阳", "兰州", "海口", "无锡", "东莞", "佛山",
    "珠海", "温州", "常州", "南通", "徐州", "烟台", "潍坊", "绍兴", "嘉兴", "金华", "台州",
    "泉州", "中山", "惠州", "南昌", "呼和浩特", "乌鲁木齐", "拉萨", "银川", "西宁", "三亚",
    "浦东", "海淀", "朝阳", "南山", "福田", "滨海", "雄安",
)

# Suffixes of administrative units that may follow a region name.
HAN_REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市", "区", "县")

# Latin region words, stripped when in brackets or leading an organisation name.
LATIN_REGIONS = (
    "china", "beijing", "shanghai", "shenzhen", "guangzhou", "hong kong", "hongkong", "hk",
    "tianjin", "chongqing", "hangzhou", "nanjing", "suzhou", "chengdu", "wuhan", "xiamen",
    "macau", "macao", "taiwan", "singapore", "usa", "us", "uk", "germany", "japan", "korea",
    "france", "canada", "australia",
)

# Titles, honorifics and generational suffixes dropped from person names.
PERSON_NOISE = (
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "jr", "sr", "ii", "iii", "iv", "esq", "phd", "md", "先生", "女士", "小姐", "博士", "教授",
)

# Nickname -> formal first name(s). Formal names map to themselves implicitly.
NICKNAMES = {
    "bill": "william", "billy": "william", "will": "william", "willy": "william", "liam": "william",
    "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert", "bert": "robert albert",
    "dick": "richard", "rick": "richard", "ricky": "richard", "rich": "richard", "richie": "richard",
    "jim": "james", "jimmy": "james", "jamie": "james", "jack": "john", "johnny": "john",
    "jon": "john jonathan", "mike": "michael", "mick": "michael", "mickey": "michael",
    "tom": "thomas", "tommy": "thomas", "tony": "anthony", "ant": "anthony",
    "dave": "david", "davy": "david", "dan": "daniel", "danny": "daniel", "joe": "joseph",
    "joey": "joseph", "chris": "christopher christine christina", "kit": "christopher",
    "steve": "stephen steven", "stevie": "stephen steven", "ed": "edward edmund edwin",
    "eddie": "edward", "ted": "edward theodore", "teddy": "edward theodore", "ned": "edward",
    "ben": "benjamin", "benny": "benjamin", "sam": "samuel samantha", "sammy": "samuel",
    "alex": "alexander alexandra", "al": "albert alan alfred", "andy": "andrew", "drew": "andrew",
    "matt": "matthew", "nick": "nicholas", "nicky": "nicholas nicole", "pat": "patrick patricia",
    "patty": "patricia", "peggy": "margaret", "maggie": "margaret", "meg": "margaret",
    "marge": "margaret", "greg": "gregory", "harry": "henry harold", "hank": "henry",
    "larry": "lawrence", "len": "leonard", "lenny": "leonard", "leo": "leonard",
    "fred": "frederick alfred", "freddie": "frederick", "frank": "francis franklin",
    "fran": "frances francis", "gene": "eugene", "jerry": "gerald jerome", "gerry": "gerald",
    "hal": "henry harold", "ike": "isaac", "jake": "jacob", "jeff": "jeffrey", "ken": "kenneth",
    "kenny": "kenneth", "ron": "ronald", "ronnie": "ronald", "don": "donald", "donny": "donald",
    "doug": "douglas", "phil": "philip", "pete": "peter", "ray": "raymond", "russ": "russell",
    "stan": "stanley", "tim": "timothy", "timmy": "timothy", "vince": "vincent", "walt": "walter",
    "wally": "walter", "zach": "zachary", "zack": "zachary", "nate": "nathan nathaniel",
    "charlie": "charles", "chuck": "charles", "chas": "charles", "gus": "augustus",
    "abe": "abraham", "art": "arthur", "barb": "barbara", "becky": "rebecca", "beth": "elizabeth",
    "betty": "elizabeth", "liz": "elizabeth", "lizzie": "elizabeth", "eliza": "elizabeth",
    "cathy": "catherine", "kate": "catherine katherine", "katie": "catherine katherine",
    "kathy": "katherine", "cindy": "cynthia", "debbie": "deborah", "deb": "deborah",
    "jenny": "jennifer", "jen": "jennifer", "jess": "jessica", "jessie": "jessica",
    "judy": "judith", "kim": "kimberly", "mandy": "amanda", "mindy": "melinda", "molly": "mary",
    "polly": "mary", "nancy": "ann anne", "annie": "ann anne", "pam": "pamela",
    "sally": "sarah", "sue": "susan", "susie": "susan", "suzy": "susan", "terry": "teresa terence",
    "tess": "teresa", "trish": "patricia", "vicky": "victoria", "vic": "victor victoria",
    "val": "valerie", "wendy": "gwendolyn", "abby": "abigail", "allie": "alison",
    "angie": "angela", "bella": "isabella", "izzy": "isabella", "dot": "dorothy",
    "dottie": "dorothy", "ellie": "eleanor", "nell": "eleanor helen", "frankie": "francis",
    "gabe": "gabriel", "gabby": "gabrielle", "hattie": "harriet", "jo": "joanna josephine",
    "josh": "joshua", "lou": "louis louise", "louie": "louis", "max": "maxwell maximilian",
    "mo": "maurice", "ollie": "oliver", "rudy": "rudolph", "sandy": "sandra alexander",
    "theo": "theodore", "tina": "christina", "toby": "tobias", "trudy": "gertrude",
    "manny": "emmanuel", "rosie": "rose rosemary", "ginny": "virginia", "marty": "martin",
    "mitch": "mitchell", "monty": "montgomery", "nat": "nathan nathaniel natalie",
}

# Surnames whose surname reading differs from the most common reading of the character.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou",
    "盖": "ge", "乐": "yue", "覃": "qin", "召": "shao", "缪": "miao", "翟": "zhai", "尉": "yu",
    "繁": "po", "种": "chong", "长": "zhang", "万": "wan", "阚": "kan", "过": "guo", "柏": "bai",
    "秘": "bi", "能": "nai", "便": "pian", "蕃": "pi", "冼": "xian", "么": "yao", "朝": "chao",
    "沈": "shen", "石": "shi", "重": "chong", "都": "du", "洗": "xian", "句": "gou", "员": "yun",
}

# Two-character surnames: their pinyin is also filed joined ("Ouyang Nana" = 欧阳娜娜).
COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "端木", "西门", "南宫", "独孤", "澹台", "轩辕", "申屠", "太史", "钟离", "闻人",
)

# Words that make a name an organisation when the kind is not given.
ORG_MARKERS_HAN = (
    "公司", "集团", "银行", "事务所", "中心", "协会", "学会", "大学", "学院", "学校", "医院",
    "委员会", "局", "厅", "部", "院", "所", "厂", "店", "行", "社", "会", "馆", "基金", "政府",
    "企业", "合伙", "工作室", "科技", "实业", "贸易", "控股", "投资", "股份",
)
ORG_MARKERS_LATIN = (
    "bank", "group", "holdings", "holding", "university", "college", "school", "hospital",
    "foundation", "trust", "fund", "capital", "partners", "associates", "technology",
    "technologies", "tech", "industries", "industrial", "international", "trading", "solutions",
    "systems", "services", "consulting", "ventures", "investments", "investment", "enterprises",
    "global", "labs", "media", "pharma", "pharmaceuticals", "energy", "motors", "airlines",
    "logistics", "software", "network", "networks", "studio", "studios", "agency", "institute",
    "association", "council", "ministry", "department", "bureau", "authority", "government",
    "office", "club", "society", "church", "committee", "commission",
)

# Industry and descriptor words: a core made only of these is not distinctive.
HAN_GENERIC = (
    "信息技术", "房地产", "进出口", "银行", "科技", "贸易", "实业", "投资", "控股", "发展", "网络",
    "电子", "医药", "化工", "建设", "建筑", "置业", "物流", "能源", "汽车", "保险", "证券", "基金",
    "信托", "传媒", "文化", "教育", "咨询", "管理", "服务", "工程", "电力", "钢铁", "食品", "餐饮",
    "酒店", "旅游", "农业", "商贸", "国际", "智能", "软件", "生物", "环保", "材料", "机械", "设备",
    "制造", "工业", "航空", "电信", "移动", "联通", "石油", "石化", "大学", "医院", "技术", "信息",
    "商业", "电器", "纺织", "服饰", "新材料", "数据", "数字", "云", "物业", "地产", "集团", "有限",
    "开发", "传播", "供应链", "营销", "广告", "设计", "装饰", "运输", "印刷", "家具", "百货", "超市",
)
LATIN_GENERIC = ORG_MARKERS_LATIN + ("china", "international", "consumer", "products", "holdings")

# More Latin legal-form words and abbreviations (Eastern European, Asian, Nordic, Southern European).
LATIN_LEGAL_FORMS_MORE = (
    "jsc", "ojsc", "cjsc", "pjsc", "bhd", "berhad", "sdn", "pvt", "sapa", "kgaa", "mbh", "oyj", "ltda",
    "sro", "doo", "kft", "zrt", "spzoo", "pcl", "tbk",
)

# Short legal-form words that are only read as such at the end of a name ("Equinor ASA").
LATIN_LEGAL_TRAILING = ("as", "asa", "aps", "se", "sl", "eg", "ev", "sp")

# Russian forms, read as such only first or last ("OOO Romashka", "Gazprom PAO"): Pao, Zao are surnames.
LATIN_LEGAL_EDGE = ("ooo", "oao", "zao", "pao", "ao")

# Long legal-form words whose misspellings at the end of a name are still read as legal forms.
LATIN_LEGAL_TYPO_TARGETS = ("limited", "incorporated", "corporation", "company", "aktiengesellschaft",
                            "incorporation")

# Legal forms written out in words -> their usual abbreviation (tokens after folding).
LATIN_LEGAL_PHRASES = {
    "public limited company": "plc",
    "public company limited": "pcl",
    "limited liability company": "llc",
    "limited liability partnership": "llp",
    "limited liability limited partnership": "lllp",
    "limited partnership": "lp",
    "professional corporation": "pc",
    "private limited": "pvt ltd",
    "proprietary limited": "pty ltd",
    "joint stock company": "jsc",
    "open joint stock company": "ojsc",
    "closed joint stock company": "cjsc",
    "public joint stock company": "pjsc",
    "sendirian berhad": "sdn bhd",
    "societe anonyme": "sa",
    "sociedad anonima": "sa",
    "societa per azioni": "spa",
    "societa in accomandita per azioni": "sapa",
    "societe a responsabilite limitee": "sarl",
    "societe par actions simplifiee": "sas",
    "sociedad de responsabilidad limitada": "srl",
    "societa a responsabilita limitata": "srl",
    "sociedade limitada": "ltda",
    "gesellschaft mit beschrankter haftung": "gmbh",
    "kommanditgesellschaft auf aktien": "kgaa",
    "kommanditgesellschaft": "kg",
    "besloten vennootschap": "bv",
    "naamloze vennootschap": "nv",
    "kabushiki kaisha": "kk",
    "aktiebolag": "ab",
    "aktiebolaget": "ab",
    "osakeyhtio": "oy",
    "julkinen osakeyhtio": "oyj",
    "aksjeselskap": "as",
    "aktieselskab": "as",
    "allmennaksjeselskap": "asa",
    "anpartsselskab": "aps",
    "spolka z ograniczona odpowiedzialnoscia": "spzoo",
    "sp z oo": "spzoo",
    "spolka akcyjna": "sa",
    "obshchestvo s ogranichennoy otvetstvennostyu": "ooo",
    "otkrytoe aktsionernoe obshchestvo": "oao",
    "zakrytoe aktsionernoe obshchestvo": "zao",
    "publichnoe aktsionernoe obshchestvo": "pao",
    "aktsionernoe obshchestvo": "ao",
    "societas europaea": "se",
    "spolecnost s rucenim omezenym": "sro",
}

# Legal-form words that name the same form: each maps to one canonical spelling.
LATIN_LEGAL_EQUIVALENTS = {
    "limited": "ltd", "incorporated": "inc", "corporation": "corp", "company": "co",
    "aktiengesellschaft": "ag", "berhad": "bhd", "ooo": "llc", "oao": "ojsc", "zao": "cjsc",
    "pao": "pjsc", "ao": "jsc", "pvt": "pte", "lc": "llc",
}

# Abbreviated ordinary words of organisation names -> the full word.
LATIN_ABBREVIATIONS = {
    "intl": "international", "bros": "brothers", "mfg": "manufacturing",
    "hldgs": "holdings", "hldg": "holding", "grp": "group", "svcs": "services", "natl": "national",
    "assn": "association", "assoc": "associates", "mgmt": "management", "tech": "technology",
    "techs": "technologies", "ctr": "center", "centre": "center", "univ": "university",
}

# Descriptor words that are not a trade name: "Acme Industrial (Shanghai)" is traded as "Acme".
LATIN_TRADE_GENERIC = (
    "brothers", "manufacturing", "management", "development", "center", "national", "products",
    "electronics", "electronic", "electric", "electrical", "chemical", "chemicals", "engineering",
    "construction", "resources", "mining", "foods", "food", "healthcare", "health", "medical",
    "insurance", "securities", "finance", "financial", "realty", "real", "estate", "properties",
    "property", "marketing", "design", "digital", "communications", "telecom", "automotive",
    "trade", "import", "export", "imports", "exports", "shipping", "transport", "industry",
    "materials", "machinery", "equipment", "textile", "textiles", "garments", "apparel",
    "enterprise", "corporate", "partnership", "asia", "pacific", "europe", "american", "chinese",
    "world", "worldwide", "general", "commercial", "biotech", "biotechnology", "pharmaceutical",
    "petroleum", "oil", "gas", "steel", "metals", "power", "water", "environmental", "research",
    "education", "entertainment", "hotel", "hotels", "restaurant", "retail", "stores", "store",
    "supply", "supplies", "distribution", "import-export", "advisory", "law", "legal", "firm",
)

# Number words and ordinals -> digits ("First" = "1st" = "1", "Twenty-One" = "21").
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19,
}
NUMBER_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}
