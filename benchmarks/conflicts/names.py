"""Name pools and generators shared by the evaluation set builder and the scale benchmark."""

from __future__ import annotations

import random

FIRST_NAMES = (
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott "
    "Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron "
    "Henry Douglas Peter Adam Nathan Zachary Walter Kyle Harold Carl Arthur Gerald Roger Keith "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah "
    "Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma "
    "Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather "
    "Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith "
    "Hans Klaus Jurgen Francois Pierre Jose Luis Carlos Giovanni Marco Sven Lars Ingrid Astrid "
    "Hiroshi Kenji Yuki Raj Priya Arjun Ahmed Fatima Omar Layla Dmitri Olga Ivan Natasha"
).split()

SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
    "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers "
    "Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson "
    "Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo "
    "Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell "
    "Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson "
    "Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera "
    "Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez "
    "McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns "
    "Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt "
    "Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer "
    "Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant "
    "Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight "
    "Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado "
    "Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence "
    "Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins Greene Nunez Wheeler Valdez "
    "Harper Burke Larson Santiago Maldonado Morrison Franklin Carlson Austin Dominguez Carr "
    "Lawson Jacobs Obrien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson "
    "Gilbert Dean Sims Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller Wang "
    "Weber Welch Rojas Lucas Marquez Fields Park Yang Little Banks Padilla Day Walsh Bowman "
    "Schultz Luna Fowler Mejia Davidson Acosta Brewer May Holland Juarez Newman Pearson Curtis "
    "Cortez Douglas Schneider Joseph Barrett Navarro Figueroa Keller Avila Wade Molina Stanley "
    "Hopkins Campos Barnett Bates Chambers Caldwell Beck Lambert Miranda Byrd Craig Ayala Lowe "
    "Frazier Powers Neal Leonard Gregory Carrillo Sutton Fleming Rhodes Shelton Schwartz Norris "
    "Jennings Watts Duran Walters Cohen McDaniel Moran Parks Steele Vaughn Becker Holt Deleon "
    "Barker Terry Hale Leon Hail Benson Haynes Horton Miles Lyons Pham Graves Bush Thornton "
    "Wolfe Warner Cabrera McKinney Mann Zimmerman Dawson Lara Fletcher Page McCarthy Love "
    "Robles Cervantes Solis Erickson Reeves Chang Klein Salinas Fuentes Baldwin Daniel Simon "
    "Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp Barber Bowen Ochoa Dennis "
    "Robbins Liu Ramsey Francis Griffith Paul Blair Oconnor Cardenas Pacheco Cross Calderon "
    "Quinn Moss Swanson Chan Rivas Khan Rodgers Serrano Fitzgerald Rosales Stevenson Christensen "
    "Manning Gill Curry McLaughlin Harmon McGee Gross Doyle Garner Newton Burgess Reese Walton "
    "Blake Trujillo Adkins Brady Goodman Roman Webster Goodwin Fischer Huang Potter Delacruz "
    "Montoya Todd Wu Hines Mullins Castaneda Malone Cannon Tate Mack Sherman Hubbard Hodges "
    "Zhang Guerra Wolf Valencia Saunders Franco Rowe Gallagher Farmer Hammond Hampton Townsend "
    "Ingram Wise Gallegos Clarke Barton Schroeder Maxwell Waters Logan Camacho Strickland Norman "
    "Person Colon Parsons Frank Harrington Glover Osborne Buchanan Casey Floyd Patton Ibarra Ball "
    "Tyler Suarez Bowers Orozco Salas Cobb Gibbs Andrade Bauer Conner Moody Escobar McGuire Lloyd "
    "Mueller Hartman French Kramer McBride Pope Lindsey Velazquez Norton McCormick Sparks Flynn "
    "Yates Hogan Marsh Macias Villanueva Zamora Pratt Stokes Owen Ballard Lang Brock Villarreal "
    "Charles Drake Barrera Cain Patrick Pineda Burnett Mercado Santana Shepherd Bautista Ali "
    "Shaffer Lamb Trevino McKenzie Hess Beil Olsen Cochran Morton Nash Wilkins Petersen Briggs "
    "Shah Roth Nicholson Holloway Lozano Rangel Flowers Hoover Short Arias Mora Valenzuela Bryan "
    "Meyers Weiss Underwood Bass Greer Summers Houston Carson Morrow Clayton Whitaker Decker Yoder"
).split()

HAN_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
HAN_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉建国建华志强志明海燕"
    "丹玲飞斌宇浩凯健俊帆鑫晨阳欣怡子涵梓轩雨萱博文思远嘉怡晓东晓明国栋振华永刚立新文杰天宇"
    "慧琳佳琪婷婷雪梅春燕秋菊冬梅海波海涛红梅金凤玉梅丽娟建军卫东"
)
HAN_TRADE = (
    "星辰 华夏 东方 中天 海润 金桥 天合 鼎盛 恒信 瑞丰 宏达 博远 正泰 新源 万通 远航 卓越 腾飞 "
    "融创 嘉禾 锦程 华信 中联 汇丰 信达 安泰 永盛 德润 国瑞 聚龙 蓝海 银河 明珠 长城 凯旋 盛世 "
    "宇通 龙腾 九州 泰和 祥瑞 福临 百川 海纳 青松 松柏 天衡 同舟 方圆 云帆 启航 凌云 朗润 "
    "紫光 清源 晨曦 北辰 南风 西岭 巨石 磐石 玄武 朱雀 麒麟 凤凰 飞鹰 雄狮 骏马 金鼎 银杏 "
    "红杉 白桦 翠竹 蓝天 碧水 青山 沃土 丰收 金穗 稻香 春晖 秋实 冬青 夏荷 锦绣 华彩 星耀 "
    "辉煌 灿烂 璀璨 晶石 宝石 钻石 珍珠 琥珀 翡翠 玛瑙 水晶 琉璃 灵犀 睿智 智远 思源 致远 "
    "博学 弘毅 厚德 载物 求是 创新 创源 创达 创智 联创 汇智 智联 智汇 科达 科信 科盛 科瑞"
).split()
HAN_INDUSTRY = ("科技", "贸易", "实业", "投资", "网络科技", "信息技术", "医药", "建设", "物流", "传媒",
                "文化传播", "电子", "能源", "食品", "餐饮管理", "房地产开发", "咨询", "环保科技", "智能科技",
                "生物科技", "教育科技", "供应链管理", "汽车服务", "商贸")
HAN_CITIES = ("北京", "上海", "深圳", "广州", "杭州", "南京", "成都", "武汉", "西安", "天津", "重庆",
              "苏州", "厦门", "青岛", "长沙", "郑州", "济南", "合肥", "福州", "大连")
HAN_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司")

EN_TRADE = (
    "Acme Apex Summit Pinnacle Horizon Meridian Zenith Vertex Nimbus Quantum Stellar Starlight "
    "Evergreen Bluewater Redwood Silverline Goldcrest Ironbridge Stonegate Oakridge Pinecrest "
    "Maplewood Riverside Lakeshore Harborview Northwind Southgate Eastbrook Westfield Crestview "
    "Brightway Clearpath Truenorth Keystone Cornerstone Landmark Beacon Lighthouse Anchor Compass "
    "Atlas Orion Phoenix Falcon Eagle Condor Osprey Harrier Kestrel Sparrow Jaguar Panther Cougar "
    "Lynx Orca Dolphin Marlin Sequoia Cedar Willow Aspen Birch Magnolia Juniper Cypress Sterling "
    "Granite Cobalt Titan Nova Vega Sirius Polaris Aurora Halcyon Solstice Equinox Tempest "
    "Cascade Glacier Tundra Savanna Sahara Mesa Canyon Prairie Delta Fjord Sierra Alpine Everest "
    "Kilimanjaro Olympus Andes Rockwell Whitmore Ashford Bradford Kingsley Whitfield Thornbury "
    "Hawthorne Blackwood Greystone Silverado Bellwether Wexford Lancaster Dorchester Sheffield"
).split()
EN_INDUSTRY = ("Technology", "Technologies", "Holdings", "Capital", "Partners", "Logistics", "Energy",
               "Pharmaceuticals", "Software", "Trading", "Industries", "Consulting", "Media", "Foods",
               "Biotech", "Investments", "Systems", "Networks", "Motors", "Properties")
EN_FORMS = ("Inc.", "LLC", "Ltd.", "Limited", "Corp.", "Corporation", "Co., Ltd.", "GmbH", "PLC", "LLP")


def en_person(rng: random.Random) -> str:
    """A random Western personal name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def han_person(rng: random.Random) -> str:
    """A random Chinese personal name (one- or two-character given name)."""
    given = rng.choice(HAN_GIVEN) + (rng.choice(HAN_GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(HAN_SURNAMES) + given


def han_company(rng: random.Random) -> str:
    """A random Chinese company name: city, trade name, industry, legal form."""
    trade = rng.choice(HAN_TRADE) + (rng.choice(HAN_TRADE) if rng.random() < 0.7 else "")
    return f"{rng.choice(HAN_CITIES)}{trade}{rng.choice(HAN_INDUSTRY)}{rng.choice(HAN_FORMS)}"


def en_company(rng: random.Random) -> str:
    """A random English company name."""
    words = [rng.choice(EN_TRADE)]
    if rng.random() < 0.5:
        words.append(rng.choice(EN_TRADE))
    words.append(rng.choice(EN_INDUSTRY))
    return f"{' '.join(words)} {rng.choice(EN_FORMS)}"
