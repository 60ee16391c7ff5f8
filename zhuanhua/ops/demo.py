"""Believable demo data for the platform (`zhuanhua demo`).

Organisations of every type across Yunnan's 16 prefectures, people in every role with one shared
password, a few hundred achievements whose titles, summaries and keywords come from real public
texts (CSL paper records and CN patent titles, see ../shared/data/*/README.md), and the
department's notices. A realistic subset goes through the achievement services, so the audit
chain holds real entries; the rest is bulk-inserted with its search tokens computed the same way
the services compute them (zhuanhua.core.text.index_tokens).

Idempotent: when the marker organisation (the provincial department) exists nothing is loaded;
`reset=True` deletes the demo's own rows first. The audit chain is append-only, so its entries
about deleted demo rows stay (the chain still verifies).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import json
import os
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.achievements import services as achievement_services
from zhuanhua.achievements.choices import (
    AchievementStatus,
    IndustryField,
    IpType,
    TransferStatus,
)
from zhuanhua.achievements.models import Achievement, Completer
from zhuanhua.core.models import Announcement
from zhuanhua.core.text import _tokenizer, index_tokens  # the shared, initialised jieba
from zhuanhua.core.uscc import make_uscc
from zhuanhua.ops.demo_contracts import contracts_delete, load_contracts
from zhuanhua.ops.demo_deals import deals_delete, load_deals
from zhuanhua.ops.demo_disclosures import load_disclosures
from zhuanhua.ops.demo_events import events_delete, load_events
from zhuanhua.ops.demo_exemption_projects import exemption_projects_delete, load_exemption_projects
from zhuanhua.ops.demo_government import (
    demo_government,
    demo_government_activity,
    government_usccs,
    government_usernames,
)
from zhuanhua.ops.demo_jobs import jobs_delete, load_jobs
from zhuanhua.ops.demo_more import load_more, more_delete
from zhuanhua.ops.demo_processes import (
    ProcessResult,
    load_processes,
    processes_delete,
    staff_usernames,
)
from zhuanhua.ops.demo_subsidies_review import load_subsidies_review, subsidies_review_delete
from zhuanhua.ops.demo_yunnan_texts import YUNNAN_TEXTS
from zhuanhua.organisations import services as organisation_services
from zhuanhua.organisations.choices import RESEARCH_UNIT_TYPES, OrganisationStatus
from zhuanhua.organisations.choices import OrganisationType as T
from zhuanhua.organisations.models import Organisation

DEMO_PASSWORD = "zhuanhua2026"
DEFAULT_SIZE = 320
SEED = 20260101
TZ = ZoneInfo("Asia/Shanghai")

F = IndustryField
EI, AM, NM, BIO = F.ELECTRONIC_INFORMATION, F.ADVANCED_MANUFACTURING, F.NEW_MATERIALS, F.BIOMEDICINE
AG, NE, RE, FOOD = F.MODERN_AGRICULTURE, F.NEW_ENERGY, F.RESOURCES_ENVIRONMENT, F.FOOD
CON, SOC = F.CONSTRUCTION, F.SOCIAL_DEVELOPMENT


def shared_data_dir() -> Path:
    """settings.ZHUANHUA_SHARED_DATA, else the env variable, else ../shared/data beside the repo."""
    value = getattr(settings, "ZHUANHUA_SHARED_DATA", None) or os.environ.get(
        "ZHUANHUA_SHARED_DATA"
    )
    return Path(value) if value else Path(settings.BASE_DIR).parent / "shared" / "data"


# --------------------------------------------------------------------------- organisations


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    org_type: str
    prefecture: str
    division: str  # county-level GB/T 2260 code in the USCC; 100000 for central institutions
    reg: str  # registering authority + entity type: 11 机关, 12 事业单位, 52 民办非企业, 91 企业, N2 …
    fields: tuple[str, ...] = ()  # industry fields it owns achievements in (weight by order)
    weight: int = 0  # share of the bulk achievements
    sme: bool = False
    tech: bool = False
    national: bool = False
    address: str = ""
    intro: str = ""

    @property
    def uscc(self) -> str:
        digest = hashlib.sha256(f"zhuanhua-demo:{self.name}".encode()).hexdigest()
        org_code = "".join(str(int(ch, 16) % 10) for ch in digest[:9])
        return make_uscc(f"{self.reg}{self.division}{org_code}")


KM, QJ, YX, BS, ZT, LJ, PE, LC = (
    "530100",
    "530300",
    "530400",
    "530500",
    "530600",
    "530700",
    "530800",
    "530900",
)
CX, HH, WS, BN, DL, DH, NJ, DQ = (
    "532300",
    "532500",
    "532600",
    "532800",
    "532900",
    "533100",
    "533300",
    "533400",
)

AREA_CODES = {
    KM: "0871",
    QJ: "0874",
    YX: "0877",
    BS: "0875",
    ZT: "0870",
    LJ: "0888",
    PE: "0879",
    LC: "0883",
    CX: "0878",
    HH: "0873",
    WS: "0876",
    BN: "0691",
    DL: "0872",
    DH: "0692",
    NJ: "0886",
    DQ: "0887",
}
MARKER_KEY = "dept"
ORGS: tuple[OrgSpec, ...] = (
    # 科技管理部门
    OrgSpec(
        "dept",
        "云南省科学技术厅",
        T.DEPARTMENT,
        KM,
        "530102",
        "11",
        address="昆明市五华区",
        intro="省级科技管理部门，负责科技成果转移转化政策的组织实施与审核。",
    ),
    OrgSpec(
        "km_bureau",
        "昆明市科学技术局",
        T.PREFECTURE_BUREAU,
        KM,
        "530102",
        "11",
        address="昆明市呈贡区",
    ),
    OrgSpec(
        "qj_bureau",
        "曲靖市科学技术局",
        T.PREFECTURE_BUREAU,
        QJ,
        "530302",
        "11",
        address="曲靖市麒麟区",
    ),
    OrgSpec(
        "hh_bureau",
        "红河哈尼族彝族自治州科学技术局",
        T.PREFECTURE_BUREAU,
        HH,
        "532503",
        "11",
        address="红河州蒙自市",
    ),
    OrgSpec(
        "dl_bureau",
        "大理白族自治州科学技术局",
        T.PREFECTURE_BUREAU,
        DL,
        "532901",
        "11",
        address="大理市",
    ),
    OrgSpec(
        "bn_bureau",
        "西双版纳傣族自治州科学技术局",
        T.PREFECTURE_BUREAU,
        BN,
        "532801",
        "11",
        address="景洪市",
    ),
    # 高等院校
    OrgSpec(
        "ynu",
        "云南大学",
        T.UNIVERSITY,
        KM,
        "530102",
        "12",
        (EI, BIO, AG, RE, NM, SOC),
        30,
        address="昆明市五华区翠湖北路2号",
        intro="国家“双一流”建设高校，设有科技成果转化中心。",
    ),
    OrgSpec(
        "kust",
        "昆明理工大学",
        T.UNIVERSITY,
        KM,
        "530114",
        "12",
        (NM, AM, RE, NE, EI, CON, FOOD),
        30,
        address="昆明市呈贡区景明南路727号",
        intro="以工为主的综合性大学，冶金、材料、矿业学科优势突出。",
    ),
    OrgSpec(
        "yau",
        "云南农业大学",
        T.UNIVERSITY,
        KM,
        "530103",
        "12",
        (AG, FOOD, BIO, RE),
        18,
        address="昆明市盘龙区沣源路452号",
    ),
    OrgSpec(
        "kmmu",
        "昆明医科大学",
        T.UNIVERSITY,
        KM,
        "530114",
        "12",
        (BIO,),
        14,
        address="昆明市呈贡区春融西路1168号",
    ),
    OrgSpec(
        "ynnu",
        "云南师范大学",
        T.UNIVERSITY,
        KM,
        "530114",
        "12",
        (NE, EI, SOC, RE),
        8,
        address="昆明市呈贡区聚贤街768号",
    ),
    OrgSpec(
        "swfu",
        "西南林业大学",
        T.UNIVERSITY,
        KM,
        "530103",
        "12",
        (AG, RE, NM, CON),
        8,
        address="昆明市盘龙区白龙寺300号",
    ),
    OrgSpec(
        "dali_u",
        "大理大学",
        T.UNIVERSITY,
        DL,
        "532901",
        "12",
        (BIO, AG),
        6,
        address="大理市古城弘圣路2号",
    ),
    OrgSpec(
        "qjnu",
        "曲靖师范学院",
        T.UNIVERSITY,
        QJ,
        "530302",
        "12",
        (EI, AG),
        3,
        address="曲靖市麒麟区",
    ),
    OrgSpec(
        "yxnu",
        "玉溪师范学院",
        T.UNIVERSITY,
        YX,
        "530402",
        "12",
        (EI, RE),
        3,
        address="玉溪市红塔区",
    ),
    OrgSpec(
        "uoh",
        "红河学院",
        T.UNIVERSITY,
        HH,
        "532503",
        "12",
        (AG, EI, FOOD),
        3,
        address="红河州蒙自市",
    ),
    OrgSpec(
        "bsu", "保山学院", T.UNIVERSITY, BS, "530502", "12", (AG, FOOD), 2, address="保山市隆阳区"
    ),
    OrgSpec(
        "ztu", "昭通学院", T.UNIVERSITY, ZT, "530602", "12", (AG, FOOD), 2, address="昭通市昭阳区"
    ),
    OrgSpec(
        "peu", "普洱学院", T.UNIVERSITY, PE, "530802", "12", (FOOD, AG), 2, address="普洱市思茅区"
    ),
    OrgSpec(
        "cxnu", "楚雄师范学院", T.UNIVERSITY, CX, "532301", "12", (RE, EI), 2, address="楚雄市"
    ),
    OrgSpec("wsu", "文山学院", T.UNIVERSITY, WS, "532601", "12", (BIO, AG), 3, address="文山市"),
    OrgSpec(
        "wyust",
        "滇西科技师范学院",
        T.UNIVERSITY,
        LC,
        "530902",
        "12",
        (AG, FOOD),
        2,
        address="临沧市临翔区",
    ),
    OrgSpec(
        "ljcu",
        "丽江文化旅游学院",
        T.UNIVERSITY,
        LJ,
        "530702",
        "52",
        (SOC, FOOD),
        1,
        address="丽江市古城区",
    ),
    # 科研院所
    OrgSpec(
        "kib",
        "中国科学院昆明植物研究所",
        T.RESEARCH_INSTITUTE,
        KM,
        "100000",
        "12",
        (BIO, AG, FOOD),
        14,
        address="昆明市盘龙区蓝黑路132号",
        intro="植物化学与植物资源研究机构，拥有中国西南野生生物种质资源库。",
    ),
    OrgSpec(
        "kiz",
        "中国科学院昆明动物研究所",
        T.RESEARCH_INSTITUTE,
        KM,
        "100000",
        "12",
        (BIO,),
        5,
        address="昆明市五华区教场东路32号",
    ),
    OrgSpec(
        "xtbg",
        "中国科学院西双版纳热带植物园",
        T.RESEARCH_INSTITUTE,
        BN,
        "100000",
        "12",
        (AG, RE, BIO),
        5,
        address="西双版纳州勐腊县勐仑镇",
    ),
    OrgSpec(
        "yaas",
        "云南省农业科学院",
        T.RESEARCH_INSTITUTE,
        KM,
        "530103",
        "12",
        (AG, FOOD),
        16,
        address="昆明市盘龙区北京路2238号",
    ),
    OrgSpec(
        "yafg",
        "云南省林业和草原科学院",
        T.RESEARCH_INSTITUTE,
        KM,
        "530103",
        "12",
        (AG, RE),
        8,
        address="昆明市盘龙区蓝桉路2号",
    ),
    OrgSpec(
        "tea_inst",
        "云南省农业科学院茶叶研究所",
        T.RESEARCH_INSTITUTE,
        BN,
        "532822",
        "12",
        (FOOD, AG),
        4,
        address="西双版纳州勐海县",
    ),
    OrgSpec(
        "sugar_inst",
        "云南省农业科学院甘蔗研究所",
        T.RESEARCH_INSTITUTE,
        HH,
        "532502",
        "12",
        (AG, FOOD),
        3,
        address="红河州开远市",
    ),
    OrgSpec(
        "trop_inst",
        "云南省热带作物科学研究所",
        T.RESEARCH_INSTITUTE,
        BN,
        "532801",
        "12",
        (AG, NM),
        3,
        address="景洪市",
    ),
    OrgSpec(
        "nj_agri",
        "怒江傈僳族自治州农业科学研究所",
        T.RESEARCH_INSTITUTE,
        NJ,
        "533301",
        "12",
        (AG,),
        2,
        address="泸水市",
    ),
    OrgSpec(
        "dq_agri",
        "迪庆藏族自治州农业科学研究所",
        T.RESEARCH_INSTITUTE,
        DQ,
        "533401",
        "12",
        (AG, FOOD),
        2,
        address="香格里拉市",
    ),
    OrgSpec(
        "zt_agri",
        "昭通市农业科学院",
        T.RESEARCH_INSTITUTE,
        ZT,
        "530602",
        "12",
        (AG,),
        2,
        address="昭通市昭阳区",
    ),
    OrgSpec(
        "dh_agri",
        "德宏傣族景颇族自治州热带农业科学研究所",
        T.RESEARCH_INSTITUTE,
        DH,
        "533102",
        "12",
        (AG, FOOD),
        2,
        address="瑞丽市",
    ),
    OrgSpec(
        "flower_inst",
        "云南省农业科学院花卉研究所",
        T.RESEARCH_INSTITUTE,
        KM,
        "530114",
        "12",
        (AG,),
        2,
        address="昆明市呈贡区斗南",
        intro="鲜切花新品种选育、种苗繁育与采后保鲜研究机构。",
    ),
    OrgSpec(
        "tobacco_inst",
        "云南省烟草农业科学研究院",
        T.RESEARCH_INSTITUTE,
        YX,
        "530402",
        "12",
        (AG,),
        2,
        address="玉溪市红塔区",
        intro="烤烟品种选育、植烟土壤保育和烟叶调制技术研究机构。",
    ),
    OrgSpec(
        "geo_inst",
        "云南省地质环境监测院",
        T.RESEARCH_INSTITUTE,
        KM,
        "530102",
        "12",
        (RE,),
        2,
        address="昆明市五华区",
        intro="地质灾害调查、监测预警与防治技术支撑单位。",
    ),
    # 医疗卫生机构
    OrgSpec(
        "kmmu_h1",
        "昆明医科大学第一附属医院",
        T.MEDICAL_INSTITUTION,
        KM,
        "530102",
        "12",
        (BIO,),
        8,
        address="昆明市五华区西昌路295号",
    ),
    OrgSpec(
        "ynph1",
        "云南省第一人民医院",
        T.MEDICAL_INSTITUTION,
        KM,
        "530102",
        "12",
        (BIO,),
        4,
        address="昆明市西山区金碧路157号",
    ),
    OrgSpec(
        "yntcm",
        "云南省中医医院",
        T.MEDICAL_INSTITUTION,
        KM,
        "530102",
        "12",
        (BIO,),
        4,
        address="昆明市五华区光华街120号",
    ),
    OrgSpec(
        "dali_h1",
        "大理大学第一附属医院",
        T.MEDICAL_INSTITUTION,
        DL,
        "532901",
        "12",
        (BIO,),
        2,
        address="大理市嘉士伯大道32号",
    ),
    OrgSpec(
        "qj_h1",
        "曲靖市第一人民医院",
        T.MEDICAL_INSTITUTION,
        QJ,
        "530302",
        "12",
        (BIO,),
        2,
        address="曲靖市麒麟区",
    ),
    # 新型研发机构
    OrgSpec(
        "lm_inst",
        "云南前沿液态金属研究院",
        T.NEW_RND_INSTITUTION,
        QJ,
        "530381",
        "52",
        (NM, EI),
        4,
        address="曲靖市宣威市",
        intro="液态金属材料及应用的新型研发机构。",
    ),
    OrgSpec(
        "pm_inst",
        "云南省稀贵金属材料基因工程研究院",
        T.NEW_RND_INSTITUTION,
        KM,
        "530111",
        "52",
        (NM,),
        4,
        address="昆明市官渡区",
    ),
    OrgSpec(
        "yx_inst",
        "玉溪高原特色农业产业研究院",
        T.NEW_RND_INSTITUTION,
        YX,
        "530402",
        "52",
        (AG, FOOD),
        2,
        address="玉溪市红塔区",
    ),
    # 国有企业
    OrgSpec(
        "baiyao",
        "云南白药集团股份有限公司",
        T.STATE_ENTERPRISE,
        KM,
        "530114",
        "91",
        (BIO,),
        6,
        address="昆明市呈贡区云南白药街3686号",
    ),
    OrgSpec(
        "ytc",
        "云南锡业集团（控股）有限责任公司",
        T.STATE_ENTERPRISE,
        HH,
        "532501",
        "91",
        (NM, RE),
        6,
        address="红河州个旧市金湖东路121号",
    ),
    OrgSpec(
        "yth",
        "云天化集团有限责任公司",
        T.STATE_ENTERPRISE,
        KM,
        "530112",
        "91",
        (NM, AG, RE),
        5,
        address="昆明市滇池路1417号",
    ),
    OrgSpec(
        "spm",
        "云南贵金属新材料控股集团股份有限公司",
        T.STATE_ENTERPRISE,
        KM,
        "530111",
        "91",
        (NM,),
        4,
        address="昆明市高新区科技路988号",
    ),
    OrgSpec(
        "chihong",
        "云南驰宏锌锗股份有限公司",
        T.STATE_ENTERPRISE,
        QJ,
        "530302",
        "91",
        (NM, RE),
        3,
        address="曲靖市经济技术开发区",
    ),
    OrgSpec(
        "hongta",
        "红塔烟草（集团）有限责任公司",
        T.STATE_ENTERPRISE,
        YX,
        "530402",
        "91",
        (AM, FOOD),
        2,
        address="玉溪市红塔区",
    ),
    OrgSpec(
        "yncig",
        "云南省建设投资控股集团有限公司",
        T.STATE_ENTERPRISE,
        KM,
        "530112",
        "91",
        (CON,),
        3,
        address="昆明市西山区",
    ),
    OrgSpec(
        "ws_alu",
        "云南文山铝业有限公司",
        T.STATE_ENTERPRISE,
        WS,
        "532627",
        "91",
        (NM,),
        2,
        address="文山州砚山县",
    ),
    OrgSpec(
        "lancang_hydro",
        "华能澜沧江水电股份有限公司",
        T.STATE_ENTERPRISE,
        KM,
        "530112",
        "91",
        (NE,),
        2,
        address="昆明市西山区",
    ),
    OrgSpec(
        "grid_epri",
        "云南电网有限责任公司电力科学研究院",
        T.STATE_ENTERPRISE,
        KM,
        "530111",
        "91",
        (NE, EI),
        4,
        address="昆明市官渡区",
    ),
    # 企业（中小微 / 科技型）
    OrgSpec(
        "dianchi_water",
        "昆明滇池水务科技有限公司",
        T.ENTERPRISE,
        KM,
        "530112",
        "91",
        (RE,),
        1,
        sme=True,
        tech=True,
        address="昆明市西山区",
        intro="城镇污水处理与高原湖泊水环境治理设备企业。",
    ),
    OrgSpec(
        "yunzhi_soft",
        "昆明云智软件科技有限公司",
        T.ENTERPRISE,
        KM,
        "530102",
        "91",
        (EI,),
        1,
        sme=True,
        tech=True,
        address="昆明市五华区",
    ),
    OrgSpec(
        "qj_pv",
        "曲靖麒麟光伏材料有限公司",
        T.ENTERPRISE,
        QJ,
        "530302",
        "91",
        (NE,),
        1,
        sme=True,
        tech=True,
        address="曲靖市麒麟区",
    ),
    OrgSpec(
        "yx_equip",
        "玉溪红塔智能装备有限公司",
        T.ENTERPRISE,
        YX,
        "530402",
        "91",
        (AM,),
        1,
        sme=True,
        tech=True,
        address="玉溪市红塔区",
    ),
    OrgSpec(
        "bs_coffee",
        "保山隆阳咖啡科技有限公司",
        T.ENTERPRISE,
        BS,
        "530502",
        "91",
        sme=True,
        address="保山市隆阳区",
    ),
    OrgSpec(
        "zt_apple",
        "昭通苹果产业科技有限公司",
        T.ENTERPRISE,
        ZT,
        "530602",
        "91",
        sme=True,
        tech=True,
        address="昭通市昭阳区",
    ),
    OrgSpec(
        "lj_bio",
        "丽江玉龙雪山生物科技有限公司",
        T.ENTERPRISE,
        LJ,
        "530721",
        "91",
        (BIO,),
        1,
        sme=True,
        tech=True,
        address="丽江市玉龙纳西族自治县",
    ),
    OrgSpec(
        "pe_tea",
        "普洱茶源生物科技有限公司",
        T.ENTERPRISE,
        PE,
        "530802",
        "91",
        sme=True,
        tech=True,
        address="普洱市思茅区",
    ),
    OrgSpec(
        "lc_nut",
        "临沧坚果产业科技有限公司",
        T.ENTERPRISE,
        LC,
        "530902",
        "91",
        sme=True,
        address="临沧市临翔区",
    ),
    OrgSpec(
        "cx_yiyao",
        "楚雄彝药制药有限公司",
        T.ENTERPRISE,
        CX,
        "532301",
        "91",
        (BIO,),
        1,
        sme=True,
        tech=True,
        address="楚雄市",
    ),
    OrgSpec(
        "hh_pomegranate",
        "红河蒙自石榴农业科技有限公司",
        T.ENTERPRISE,
        HH,
        "532503",
        "91",
        sme=True,
        address="蒙自市",
    ),
    OrgSpec(
        "ws_sanqi",
        "文山苗乡三七药业有限公司",
        T.ENTERPRISE,
        WS,
        "532601",
        "91",
        (BIO,),
        1,
        sme=True,
        tech=True,
        address="文山市",
    ),
    OrgSpec(
        "bn_rubber",
        "西双版纳橡胶新材料有限公司",
        T.ENTERPRISE,
        BN,
        "532801",
        "91",
        sme=True,
        address="景洪市",
    ),
    OrgSpec(
        "dl_erhai",
        "大理洱海生态农业科技有限公司",
        T.ENTERPRISE,
        DL,
        "532901",
        "91",
        sme=True,
        address="大理市",
    ),
    OrgSpec(
        "dh_digital",
        "德宏瑞丽跨境数字科技有限公司",
        T.ENTERPRISE,
        DH,
        "533102",
        "91",
        sme=True,
        tech=True,
        address="瑞丽市",
    ),
    OrgSpec(
        "nj_caoguo",
        "怒江峡谷草果科技有限公司",
        T.ENTERPRISE,
        NJ,
        "533301",
        "91",
        sme=True,
        address="泸水市",
    ),
    OrgSpec(
        "dq_qingke",
        "迪庆香格里拉青稞食品有限公司",
        T.ENTERPRISE,
        DQ,
        "533401",
        "91",
        sme=True,
        address="香格里拉市",
    ),
    OrgSpec(
        "qj_agmach",
        "曲靖陆良农机装备有限公司",
        T.ENTERPRISE,
        QJ,
        "530322",
        "91",
        (AM,),
        1,
        sme=True,
        address="曲靖市陆良县",
    ),
    OrgSpec(
        "gj_solder",
        "个旧锡材微电子材料有限公司",
        T.ENTERPRISE,
        HH,
        "532501",
        "91",
        (NM,),
        1,
        sme=True,
        tech=True,
        address="个旧市",
    ),
    # 技术转移服务机构
    OrgSpec(
        "kust_ttc",
        "昆明理工大学技术转移中心",
        T.SERVICE_AGENCY,
        KM,
        "530114",
        "12",
        national=True,
        address="昆明市呈贡区",
        intro="国家级技术转移示范机构，提供成果评价、挂牌交易和技术经纪服务。",
    ),
    OrgSpec(
        "yn_market",
        "云南省技术市场服务中心",
        T.SERVICE_AGENCY,
        KM,
        "530102",
        "12",
        national=True,
        address="昆明市五华区",
    ),
    OrgSpec(
        "dianke_tt",
        "云南滇科技术转移服务有限公司",
        T.SERVICE_AGENCY,
        KM,
        "530111",
        "91",
        sme=True,
        address="昆明市官渡区",
    ),
    OrgSpec(
        "cangshan_tt",
        "大理苍洱技术转移服务有限公司",
        T.SERVICE_AGENCY,
        DL,
        "532901",
        "91",
        sme=True,
        address="大理市",
    ),
    OrgSpec(
        "pe_tt",
        "普洱绿色技术转移服务中心",
        T.SERVICE_AGENCY,
        PE,
        "530802",
        "52",
        address="普洱市思茅区",
    ),
    # 创业投资机构
    OrgSpec(
        "dz_vc",
        "云南滇中创业投资有限公司",
        T.VENTURE_CAPITAL,
        KM,
        "530181",
        "91",
        address="昆明市安宁市",
    ),
    OrgSpec(
        "km_hitech_vc",
        "昆明高新创业投资有限公司",
        T.VENTURE_CAPITAL,
        KM,
        "530111",
        "91",
        address="昆明市高新区",
    ),
    OrgSpec(
        "lj_vc",
        "丽江玉龙创新投资基金管理有限公司",
        T.VENTURE_CAPITAL,
        LJ,
        "530702",
        "91",
        address="丽江市古城区",
    ),
    # 园区 / 聚集区
    OrgSpec(
        "km_hitech",
        "昆明高新技术产业开发区管理委员会",
        T.PARK_OR_ZONE,
        KM,
        "530111",
        "11",
        address="昆明市高新区",
    ),
    OrgSpec(
        "yx_hitech",
        "玉溪高新技术产业开发区管理委员会",
        T.PARK_OR_ZONE,
        YX,
        "530402",
        "11",
        address="玉溪市红塔区",
    ),
    OrgSpec(
        "cx_hitech",
        "楚雄高新技术产业开发区管理委员会",
        T.PARK_OR_ZONE,
        CX,
        "532301",
        "11",
        address="楚雄市",
    ),
    OrgSpec(
        "hh_ftz",
        "中国（云南）自由贸易试验区红河片区管理委员会",
        T.PARK_OR_ZONE,
        HH,
        "532532",
        "11",
        address="红河州河口县",
    ),
    # 担保 / 保险
    OrgSpec(
        "yn_guarantee",
        "云南省科技融资担保有限公司",
        T.GUARANTOR,
        KM,
        "530102",
        "91",
        address="昆明市五华区",
    ),
    OrgSpec(
        "picc_yn",
        "中国人民财产保险股份有限公司云南省分公司",
        T.INSURER,
        KM,
        "530102",
        "91",
        address="昆明市五华区",
    ),
    OrgSpec(
        "cpic_yn",
        "中国太平洋财产保险股份有限公司云南分公司",
        T.INSURER,
        KM,
        "530103",
        "91",
        address="昆明市盘龙区",
    ),
    # 其他（农村集体经济组织：统一社会信用代码以 N 开头）
    OrgSpec(
        "hekai_coop",
        "勐海县勐混镇贺开村股份经济合作社",
        T.OTHER,
        BN,
        "532822",
        "N2",
        address="西双版纳州勐海县勐混镇",
        intro="古茶园所在村集体经济组织，茶叶初制加工技术的被许可方。",
    ),
    OrgSpec(
        "tt_assoc", "云南省科技成果转化促进会", T.OTHER, KM, "530102", "51", address="昆明市五华区"
    ),
)

# Public sign-ups: two still waiting for a reviewer, one refused.
SIGN_UPS = (
    (
        OrgSpec(
            "zhanyi_agtech",
            "曲靖沾益智慧农业科技有限公司",
            T.ENTERPRISE,
            QJ,
            "530303",
            "91",
            sme=True,
        ),
        "zhanyi_admin",
        "杨建平",
        None,
    ),
    (
        OrgSpec(
            "ludian_pepper",
            "昭通鲁甸花椒产业发展有限公司",
            T.ENTERPRISE,
            ZT,
            "530621",
            "91",
            sme=True,
        ),
        "ludian_admin",
        "朱兴国",
        None,
    ),
    (
        OrgSpec(
            "xishan_trade", "昆明西山鑫达商贸有限公司", T.ENTERPRISE, KM, "530112", "91", sme=True
        ),
        "xishan_admin",
        "王小川",
        "营业执照经营范围与科技成果转化无关，且未提供科技型企业证明材料。",
    ),
)


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class UserSpec:
    username: str
    display_name: str
    org: str | None
    roles: tuple[str, ...]
    superuser: bool = False


R = Role
USERS: tuple[UserSpec, ...] = (
    UserSpec("admin", "平台管理员", None, (R.PLATFORM_ADMIN,), superuser=True),
    UserSpec("dept_reviewer", "赵文涛", "dept", (R.DEPARTMENT_REVIEWER,)),
    UserSpec("km_reviewer", "李红梅", "km_bureau", (R.DEPARTMENT_REVIEWER,)),
    UserSpec("auditor", "孙立群", "dept", (R.AUDITOR,)),
    UserSpec("ynu_manager", "周晓燕", "ynu", (R.ACHIEVEMENT_MANAGER, R.ORG_ADMIN)),
    UserSpec("kust_manager", "段志强", "kust", (R.ACHIEVEMENT_MANAGER,)),
    UserSpec("yaas_manager", "何丽芬", "yaas", (R.ACHIEVEMENT_MANAGER, R.ORG_ADMIN)),
    UserSpec("kib_manager", "普建新", "kib", (R.ACHIEVEMENT_MANAGER,)),
    UserSpec("researcher1", "李晓东", "ynu", (R.RESEARCHER,)),
    UserSpec("researcher2", "杨海波", "kust", (R.RESEARCHER,)),
    UserSpec("tech_manager1", "张静怡", "kust_ttc", (R.TECHNOLOGY_MANAGER,)),
    UserSpec("tech_manager2", "刀玉香", "dianke_tt", (R.TECHNOLOGY_MANAGER, R.ORG_ADMIN)),
    UserSpec("firm_staff", "陈思远", "dianchi_water", (R.LICENSEE_STAFF, R.ORG_ADMIN)),
    UserSpec("firm_staff2", "岩温", "hekai_coop", (R.LICENSEE_STAFF,)),
    UserSpec("vc_staff", "马俊", "dz_vc", (R.ORG_ADMIN,)),
)

# Demo researcher accounts' names, listed first on some of their unit's achievements.
DEMO_RESEARCHERS = {"ynu": "李晓东", "kust": "杨海波"}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷"
    "钱汤尹黎易常武乔贺赖龚文普字者刀岩和"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建新文云红海波宇浩然思远志国晓东"
    "雪梅春林永福德昌家興俊峰琳琼鹏飞斌宏亮丹彬锦荣瑞清泉雨欣佳怡子涵博凯正兴仁"
)


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
    return rng.choice(SURNAMES) + given


# --------------------------------------------------------------------------- source texts


@dataclass
class Source:
    """One real text that can become an achievement."""

    sid: str
    title: str
    summary: str
    keywords: list[str]
    field: str
    kind: str  # "paper" | "patent"
    discipline: str = ""
    pub_number: str = ""  # CN publication number (patents)
    # dataclasses.field, not the `field` attribute above (mypy resolves the bare name to it).
    tags: set[str] = dataclasses.field(default_factory=set)  # hints for the ip_type pools


DISCIPLINE_FIELDS: dict[str, str] = {
    "计算机科学与技术": EI,
    "信息与通信工程": EI,
    "电子科学与技术": EI,
    "控制科学与工程": EI,
    "光学工程": EI,
    "测绘科学与技术": EI,
    "机械工程": AM,
    "航空宇航科学与技术": AM,
    "船舶与海洋工程": AM,
    "力学": AM,
    "材料科学与工程": NM,
    "冶金工程": NM,
    "化学/化学工程与技术": NM,
    "物理学": NM,
    "中医学/中药学": BIO,
    "基础医学/临床医学": BIO,
    "药学": BIO,
    "口腔医学": BIO,
    "公共卫生与预防医学": BIO,
    "生物学/生物科学与工程": BIO,
    "园艺学": AG,
    "作物学": AG,
    "农业工程": AG,
    "林学/林业工程": AG,
    "水产": AG,
    "畜牧学/兽医学": AG,
    "植物保护": AG,
    "农业资源利用": AG,
    "电气工程": NE,
    "动力工程及工程热物理": NE,
    "石油与天然气工程": NE,
    "环境科学与工程": RE,
    "矿业工程": RE,
    "地质学/地质资源与地质工程": RE,
    "地理学": RE,
    "大气科学": RE,
    "海洋科学": RE,
    "地球物理学": RE,
    "水利工程": RE,
    "食品科学与工程": FOOD,
    "纺织科学与工程": FOOD,
    "土木工程": CON,
    "交通运输工程": CON,
    "建筑学": CON,
    "公共管理": SOC,
    "体育学": SOC,
    "图书馆、情报与档案管理": SOC,
    "心理学": SOC,
    "农林经济管理": SOC,
    "工商管理": SOC,
}

# IPC subclass prefixes (most specific first), then the section.
IPC_FIELDS: tuple[tuple[str, str], ...] = (
    ("A01", AG),
    ("A21", FOOD),
    ("A22", FOOD),
    ("A23", FOOD),
    ("A24", FOOD),
    ("A61", BIO),
    ("B01D", RE),
    ("B09", RE),
    ("B82", NM),
    ("B29", NM),
    ("B32", NM),
    ("C02", RE),
    ("C05", AG),
    ("C10", NE),
    ("C12", BIO),
    ("C13", FOOD),
    ("C07K", BIO),
    ("E21", RE),
    ("F03", NE),
    ("F24S", NE),
    ("F24J", NE),
    ("F23", NE),
    ("G05", AM),
    ("G16H", BIO),
    ("H01L", EI),
    ("H01M", NE),
    ("H02", NE),
    ("A", FOOD),
    ("B", AM),
    ("C", NM),
    ("D", FOOD),
    ("E", CON),
    ("F", AM),
    ("G", EI),
    ("H", EI),
)

# Titles that read like a research paper rather than a technology are left out of the
# patent/know-how pools.
PAPER_ONLY = re.compile(
    r"研究$|探讨|探析|浅谈|浅析|综述|述评|思考|分析|现状|进展|近况|对策|启示|意义|体会|共识|初报|调查|文献"
)
DOSAGE_FORMS = re.compile(r"胶囊|颗粒|片|注射液|丸|散|膏|口服液|制剂|提取物|汤|酊|栓")
MEDICAL = {"中医学/中药学", "药学", "基础医学/临床医学"}
STOP_TOKENS = {
    "一种",
    "方法",
    "装置",
    "系统",
    "及其",
    "基于",
    "用于",
    "以及",
    "所述",
    "一体",
    "结构",
    "设备",
    "研究",
    "应用",
    "分析",
    "技术",
    "及",
    "的",
    "和",
    "与",
    "在",
    "中",
    "对",
    "其",
    "包括",
}


def ipc_field(subclasses: list[str]) -> str:
    """The most specific rule any subclass meets (IPC_FIELDS order), else the first's section."""
    for prefix, value in IPC_FIELDS:
        if len(prefix) == 1:
            break
        if any(c.startswith(prefix) for c in subclasses):
            return value
    first = subclasses[0] if subclasses else ""
    return next((v for p, v in IPC_FIELDS if len(p) == 1 and first.startswith(p)), F.OTHER)


def title_keywords(text: str, limit: int = 4) -> list[str]:
    """Keywords for a text without its own: the longest distinct jieba words, in order."""
    words = [w for w in _tokenizer().cut(text) if len(w) >= 2 and w not in STOP_TOKENS]
    words = [w for w in dict.fromkeys(words) if re.search(r"[\u4e00-\u9fff]", w)]
    longest = sorted(words, key=len, reverse=True)[:limit]
    return [w for w in words if w in longest]


def ensure_keywords(source: Source) -> list[str]:
    """Patents carry no keywords: derive them from the title when the text is first used."""
    if not source.keywords:
        source.keywords = title_keywords(source.title)
    return source.keywords


def patent_summary(title: str, pub_number: str, ipc: list[str], field_label: str) -> str:
    kind = "实用新型" if pub_number.endswith("U") else "发明"
    core = title[2:] if title.startswith("一种") else title
    return (
        f"本{kind}属于{field_label}技术领域，公开了{core}。该技术已取得"
        f"{'实用新型专利' if kind == '实用新型' else '发明专利（申请）'}保护，公开号 {pub_number}，"
        f"IPC 分类 {'、'.join(ipc[:3])}。可面向省内企业开展许可、转让或作价入股合作，"
        "单位可提供技术资料与现场指导。"
    )


def _tag_sources(sources: list[Source]) -> None:
    for s in sources:
        t = s.title
        if s.kind == "paper" and PAPER_ONLY.search(t):
            s.tags.add("paperish")
        if s.field == EI and re.search(r"系统|平台|算法|方法|模型|软件|网络|识别|管理", t):
            s.tags.add("software")
        if re.search(r"芯片|电路|集成|存储器|传感器|放大器|半导体|驱动器|ADC|SoC", t):
            s.tags.add("ic")
        if s.kind == "paper" and "paperish" in s.tags:
            continue
        if (
            s.kind == "paper"
            and s.field == AG
            and re.search(r"品种|选育|种质|杂交|育种|新品系|新组合|恢复系|不育系", t)
        ):
            s.tags.add("variety")
        if s.discipline in {"中医学/中药学", "药学"} and DOSAGE_FORMS.search(t):
            s.tags.add("drug")
        if s.discipline in MEDICAL and re.search(r"治疗|临床|疗效|联合", t):
            s.tags.add("clinical")


def load_sources(data_dir: Path | None = None, *, include_fewclue: bool = False) -> list[Source]:
    """Every usable real text, in file order; [] when the shared data is absent."""
    data_dir = data_dir or shared_data_dir()
    sources: list[Source] = []
    papers = data_dir / "csl" / "csl_papers.jsonl"
    if papers.exists():
        with papers.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                value = DISCIPLINE_FIELDS.get(row.get("discipline", ""))
                if not value or not row.get("title") or not row.get("abstract"):
                    continue
                sources.append(
                    Source(
                        row["id"],
                        row["title"][:200],
                        row["abstract"],
                        list(row.get("keywords") or [])[:8],
                        value,
                        "paper",
                        discipline=row["discipline"],
                    )
                )
    abstracts: dict[str, dict[str, Any]] = {}
    samples = data_dir / "cn_patent_titles_ipc" / "cn_patent_g06f_abstract_samples.jsonl"
    if samples.exists():
        with samples.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                abstracts[row["title"]] = row
    labels = dict(IndustryField.choices)
    titles = data_dir / "cn_patent_titles_ipc" / "cn_patent_titles_ipc.tsv"
    seen_titles: set[str] = set()
    if titles.exists():
        with titles.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                title = row["title"].strip()
                numbers = row["publication_numbers"].replace(",", " ").replace("|", " ").split()
                if not title or not numbers:
                    continue
                ipc = [c for c in row["ipc_subclasses"].split("|") if c]
                value = ipc_field(ipc)
                sample = abstracts.get(title)
                summary = (
                    sample["abstract"]
                    if sample
                    else patent_summary(title, numbers[0], ipc, labels[value])
                )
                sources.append(
                    Source(
                        row["id"],
                        title[:200],
                        summary,
                        [],
                        value,
                        "patent",
                        pub_number=numbers[0],
                        tags={"abstract"} if sample else set(),
                    )
                )
                seen_titles.add(title)
    for title, sample in abstracts.items():
        if title not in seen_titles:
            ipc = [c.split("/")[0][:4] for c in sample.get("cpc_subgroups") or []]
            sources.append(
                Source(
                    sample["id"],
                    title[:200],
                    sample["abstract"],
                    [],
                    ipc_field(ipc) if ipc else EI,
                    "patent",
                    pub_number=sample["publication_number"],
                    tags={"abstract"},
                )
            )
    if include_fewclue:
        sources.extend(_fewclue_sources(data_dir))
    _tag_sources(sources)
    return sources


def _fewclue_sources(data_dir: Path) -> Iterator[Source]:
    """Abstract+keyword rows (label 1 only: real keywords). They have no title: one is composed
    from the keywords (bench corpus only)."""
    path = data_dir / "csl" / "fewclue_csl_abstract_keywords.jsonl"
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if str(row.get("label")) != "1" or not row.get("keywords"):
                continue
            keywords = list(row["keywords"])
            title = (
                f"{keywords[0]}关键技术"
                if len(keywords) < 2
                else f"基于{keywords[1]}的{keywords[0]}技术"
            )
            yield Source(
                row["id"], title[:200], row["abstract"], keywords[:8], _guess_field(row), "paper"
            )


def _guess_field(row: dict[str, Any]) -> str:
    text = row.get("abstract", "")
    for pattern, value in (
        (r"患者|临床|药|细胞|治疗", BIO),
        (r"作物|种植|品种|土壤|施肥|果实", AG),
        (r"食品|发酵|风味", FOOD),
        (r"合金|材料|涂层|催化", NM),
        (r"网络|算法|数据|图像|模型", EI),
        (r"电网|光伏|能源|电池|发电", NE),
        (r"污染|废水|矿|地质|水资源", RE),
        (r"桥|隧道|道路|混凝土|建筑", CON),
        (r"机械|加工|装备|机器人|数控", AM),
    ):
        if re.search(pattern, text):
            return value
    return SOC


# Used only when ../shared/data is absent: short texts about Yunnan's own results.
BUILTIN_SOURCES: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = (
    (
        "直拉法生产光伏级锗单晶技术",
        "采用改进直拉法生长光伏级锗单晶，优化热场结构与籽晶取向，降低位错密度，"
        "提高单晶成品率，适用于空间太阳能电池衬底。",
        ("锗单晶", "直拉法", "光伏", "位错密度"),
        NM,
        "patent",
    ),
    (
        "固态储氢离网光伏并网关键技术",
        "以固态储氢装置平抑离网光伏出力波动，实现光伏—储氢—燃料电池协同运行，"
        "适用于高原边远地区供电。",
        ("固态储氢", "离网光伏", "燃料电池", "并网"),
        NE,
        "patent",
    ),
    (
        "多组元超高温合金粘结层制备技术",
        "通过多组元合金成分设计与低压等离子喷涂制备高温粘结层，显著提高热障涂层的抗氧化寿命。",
        ("超高温合金", "粘结层", "热障涂层", "等离子喷涂"),
        NM,
        "patent",
    ),
    (
        "便携式近红外光谱快速检测仪",
        "集成微型近红外光谱模块与化学计量学模型，可现场快速检测农产品品质指标。",
        ("近红外光谱", "快速检测", "化学计量学", "农产品"),
        EI,
        "patent",
    ),
    (
        "稀贵金属材料高通量计算平台",
        "面向稀贵金属材料研发的高通量第一性原理计算与数据管理平台，"
        "支持材料基因数据检索与性能预测。",
        ("稀贵金属", "高通量计算", "材料基因", "数据平台"),
        EI,
        "software",
    ),
    (
        "铂族金属二次资源高效回收技术",
        "针对失效汽车尾气催化剂，采用富集—溶解—分离工艺回收铂、钯、铑，回收率高、废水排放少。",
        ("铂族金属", "二次资源", "回收", "催化剂"),
        RE,
        "know_how",
    ),
    (
        "高拱坝碾压混凝土快速筑坝技术",
        "形成碾压混凝土材料配合比、温控防裂和快速施工成套技术，已在省内多座水电工程应用。",
        ("碾压混凝土", "高拱坝", "温控防裂", "筑坝"),
        CON,
        "know_how",
    ),
    (
        "安全可控区块链基础平台",
        "自主研发的联盟链底层平台，支持国密算法，应用于茶叶溯源、供应链金融和跨境贸易。",
        ("区块链", "国密算法", "茶叶溯源", "供应链金融"),
        EI,
        "software",
    ),
    (
        "高维生素A玉米新品种选育",
        "利用分子标记辅助选择育成维生素A原含量高的玉米新品种，适宜云南中海拔地区种植。",
        ("玉米", "维生素A", "分子标记", "新品种"),
        AG,
        "variety",
    ),
    (
        "高原粳稻新品种选育及配套栽培技术",
        "选育耐冷、优质、高产的高原粳稻品种，集成配套栽培技术，适宜海拔1500—2000米稻区。",
        ("粳稻", "耐冷", "新品种", "栽培技术"),
        AG,
        "variety",
    ),
    (
        "马铃薯脱毒种薯繁育技术",
        "建立茎尖脱毒、组培快繁和网室扩繁的三级种薯繁育体系，显著提高马铃薯产量与商品率。",
        ("马铃薯", "脱毒种薯", "组培快繁", "繁育体系"),
        AG,
        "know_how",
    ),
    (
        "金耳人工栽培技术",
        "以金耳与毛韧革菌伴生关系为基础，优化菌种、基质配方和出耳管理，实现金耳稳定栽培。",
        ("金耳", "食用菌", "人工栽培", "菌种"),
        AG,
        "know_how",
    ),
    (
        "室温液态金属导热界面材料",
        "以镓基液态金属为基体，添加功能填料制备高导热界面材料，适用于芯片散热。",
        ("液态金属", "导热界面材料", "芯片散热", "镓基合金"),
        NM,
        "patent",
    ),
    (
        "微细焊锡球制备技术",
        "采用均匀液滴喷射法制备200微米以下锡基焊球，球形度高、粒径分布窄，用于电子封装。",
        ("焊锡球", "均匀液滴喷射", "电子封装", "锡基合金"),
        NM,
        "patent",
    ),
    (
        "三七总皂苷提取纯化工艺",
        "采用大孔树脂吸附与膜分离联用纯化三七总皂苷，提高得率与纯度，降低溶剂消耗。",
        ("三七", "总皂苷", "大孔树脂", "膜分离"),
        BIO,
        "drug",
    ),
    (
        "小粒咖啡鲜果湿法加工废水循环处理技术",
        "针对小粒咖啡鲜果脱皮、脱胶环节废水有机物浓度高的问题，采用厌氧—好氧组合工艺与回用系统，"
        "降低耗水量和排放负荷，适用于普洱、保山等咖啡初加工厂。",
        ("小粒咖啡", "湿法加工", "废水处理", "循环利用"),
        FOOD,
        "know_how",
    ),
    (
        "高海拔小粒咖啡精品化发酵工艺",
        "以控温厌氧发酵调控咖啡豆风味前体物质，形成精品咖啡发酵、干燥和分级的成套工艺，"
        "提升杯测评分与收购价格。",
        ("小粒咖啡", "精品咖啡", "厌氧发酵", "风味"),
        FOOD,
        "know_how",
    ),
    (
        "咖啡叶锈病抗性品种选育",
        "利用抗锈病种质与分子标记辅助选择，选育抗叶锈病、丰产的小粒咖啡新品种，适宜滇西南咖啡产区种植。",
        ("咖啡", "叶锈病", "抗病育种", "新品种"),
        AG,
        "variety",
    ),
    (
        "乌天麻仿野生林下种植技术",
        "以蜜环菌、萌发菌优良菌株伴栽，集成林下仿野生种植与病虫害绿色防控，提高天麻产量与商品等级，"
        "适宜昭通高海拔林区。",
        ("天麻", "仿野生种植", "蜜环菌", "林下经济"),
        BIO,
        "know_how",
    ),
    (
        "普洱茶发酵过程智能监测系统",
        "利用温湿度与气体传感网络在线监测渥堆发酵过程，结合模型预测发酵终点。",
        ("普洱茶", "渥堆发酵", "传感网络", "智能监测"),
        FOOD,
        "software",
    ),
)


def builtin_sources() -> list[Source]:
    sources = []
    for i, (title, summary, keywords, value, hint) in enumerate(BUILTIN_SOURCES + YUNNAN_TEXTS):
        tags = {hint, "clinical"} if hint == "drug" else {hint}
        sources.append(
            Source(f"builtin-{i}", title, summary, list(keywords), value, "paper", tags=tags)
        )
    return sources


# --------------------------------------------------------------------------- achievements

# Share of each ip_type in the demo; know_how takes the rounding remainder.
IP_SHARES: dict[str, float] = {
    IpType.PATENT: 0.30,
    IpType.PATENT_APPLICATION: 0.18,
    IpType.SOFTWARE_COPYRIGHT: 0.12,
    IpType.IC_LAYOUT: 0.04,
    IpType.PLANT_VARIETY: 0.08,
    IpType.DRUG_MARKETING_AUTHORIZATION: 0.05,
    IpType.CLINICAL_APPROVAL: 0.04,
    IpType.KNOW_HOW: 0.19,
}
TRL_RANGES: dict[str, tuple[int, int]] = {
    IpType.PATENT: (4, 8),
    IpType.PATENT_APPLICATION: (3, 6),
    IpType.SOFTWARE_COPYRIGHT: (6, 9),
    IpType.IC_LAYOUT: (5, 8),
    IpType.PLANT_VARIETY: (6, 9),
    IpType.DRUG_MARKETING_AUTHORIZATION: (9, 9),
    IpType.CLINICAL_APPROVAL: (5, 7),
    IpType.KNOW_HOW: (5, 9),
}
FUNDING_PROGRAMMES = (
    "国家自然科学基金地区科学基金项目",
    "国家重点研发计划",
    "云南省重大科技专项计划",
    "云南省重点研发计划",
    "云南省基础研究计划重点项目",
    "云南省科技人才与平台计划",
    "兴滇英才支持计划",
    "云南省院士（专家）工作站项目",
    "国家自然科学基金—云南联合基金",
)
RETURN_REASONS = (
    "成果简介过于简略，请补充主要技术指标和应用场景后重新提交。",
    "权利编号与证书不一致，请核对后重新提交。",
    "请补充成果完成人的工作单位，并上传权利证书扫描件。",
)
# status, then transfer status, as weighted choices.
STATUS_WEIGHTS = (
    (AchievementStatus.PUBLISHED, 72),
    (AchievementStatus.DRAFT, 10),
    (AchievementStatus.SUBMITTED, 12),
    (AchievementStatus.DELISTED, 6),
)
TRANSFER_WEIGHTS = (
    (TransferStatus.UNTRANSFERRED, 50),
    (TransferStatus.LICENSED, 15),
    (TransferStatus.TRANSFERRED, 12),
    (TransferStatus.SELF_IMPLEMENTED, 10),
    (TransferStatus.EQUITY_CONTRIBUTED, 13),
)


def _weighted(rng: random.Random, pairs: Iterable[tuple[str, int]]) -> str:
    items = list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def ip_number(rng: random.Random, ip_type: str, source: Source, acquired: dt.date, seq: int) -> str:
    year = acquired.year
    if ip_type in (IpType.PATENT, IpType.PATENT_APPLICATION):
        if source.pub_number:  # the real CN publication number
            return source.pub_number
        # Application number: year, kind (1 invention, 2 utility model), serial, check digit.
        granted = ip_type == IpType.PATENT
        kind = rng.choice("12") if granted else "1"
        serial = (
            f"{year - (rng.randint(0, 2) if granted else 0)}{kind}{rng.randint(0, 9_999_999):07d}"
        )
        weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
        check = sum(int(d) * w for d, w in zip(serial, weights, strict=True)) % 11
        return f"{'ZL' if granted else ''}{serial}.{'X' if check == 10 else check}"
    if ip_type == IpType.SOFTWARE_COPYRIGHT:
        return f"{year}SR{rng.randint(10_000, 1_999_999):07d}"
    if ip_type == IpType.IC_LAYOUT:
        return f"BS.{year % 100}5{rng.randint(10_000, 99_999)}{rng.randint(0, 9)}"
    if ip_type == IpType.PLANT_VARIETY:
        return f"CNA{year}{rng.randint(1000, 9999)}.{rng.randint(0, 9)}"
    if ip_type == IpType.DRUG_MARKETING_AUTHORIZATION:
        # Z 中药, H 化学药品 (S 生物制品 does not occur in these texts).
        letter = "Z" if source.discipline == "中医学/中药学" else "H"
        return f"国药准字{letter}{year}{rng.randint(0, 9999):04d}"
    if ip_type == IpType.CLINICAL_APPROVAL:
        return f"{year}LP{rng.randint(0, 2999):05d}"
    return f"JSMM-{year}-{seq:04d}" if rng.random() < 0.7 else ""


def shaped_title(ip_type: str, title: str) -> str:
    """Light reshaping so a record reads like its right: software names end in V1.0, etc."""
    core = title[2:] if title.startswith("一种") else title
    if ip_type == IpType.SOFTWARE_COPYRIGHT:
        core = re.sub(r"(方法(及|和|与)(系统|装置)|方法、装置及(系统|设备|介质))$", "系统", core)
        core = re.sub(r"方法$", "软件", core)
        return f"{core} V{1 + len(core) % 3}.0"[:200]
    if ip_type == IpType.IC_LAYOUT:
        return f"{core}集成电路布图设计"[:200]
    return title


def _pools(sources: list[Source]) -> dict[str, list[Source]]:
    def ok(s: Source) -> bool:
        return "paperish" not in s.tags

    patents = [s for s in sources if s.kind == "patent"]
    granted = [s for s in patents if s.pub_number[-1:] in ("B", "U")]
    applications = [s for s in patents if s.pub_number[-1:] == "A"]
    papers = [s for s in sources if s.kind == "paper" and ok(s)]
    return {
        IpType.PATENT: granted + [s for s in papers if s.field != SOC],
        IpType.PATENT_APPLICATION: applications + [s for s in papers if s.field != SOC],
        IpType.SOFTWARE_COPYRIGHT: [s for s in sources if "software" in s.tags and ok(s)],
        IpType.IC_LAYOUT: [s for s in sources if "ic" in s.tags],
        IpType.PLANT_VARIETY: [s for s in sources if "variety" in s.tags],
        IpType.DRUG_MARKETING_AUTHORIZATION: [s for s in sources if "drug" in s.tags],
        IpType.CLINICAL_APPROVAL: [s for s in sources if "clinical" in s.tags],
        IpType.KNOW_HOW: [s for s in papers if s.field not in (SOC,)] + patents,
    }


def ip_type_counts(size: int) -> dict[str, int]:
    """Records per ip_type, at least two of each, adding up to ``size`` when it allows."""
    counts = {k: max(2, round(size * share)) for k, share in IP_SHARES.items()}
    counts[IpType.KNOW_HOW] = max(
        2, size - sum(v for k, v in counts.items() if k != IpType.KNOW_HOW)
    )
    over = sum(counts.values()) - size
    for key in sorted(counts, key=lambda k: -counts[k]):  # the largest give way first
        if over <= 0:
            break
        cut = min(over, counts[key] - 1)
        counts[key] -= cut
        over -= cut
    return counts


@dataclass
class Plan:
    """One achievement to create, before it exists."""

    source: Source
    ip_type: str
    owner: str
    status: str
    transfer_status: str
    fields: dict[str, Any]
    completers: list[dict[str, str]]
    published_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    return_reason: str = ""


def _aware(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randint(0, 59)), tzinfo=TZ)


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return end
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


# ---------------------------------------------------------------------------- Yunnan's industries


@dataclass(frozen=True)
class Industry:
    """One of the province's key industries as the demo shows it: the word people type, the
    texts that are about it (a pattern over title and keywords) and units that would own them."""

    word: str  # what people type in the hall; the tests query it
    group: str  # the key industry (重点产业) it belongs to
    pattern: str  # over the title and keywords
    field: str  # industry field of a title-only text
    owners: tuple[str, ...]  # plausible owners, spread over the prefectures where it grows


INDUSTRIES: tuple[Industry, ...] = (
    Industry("茶", "高原特色农业", r"茶", FOOD, ("tea_inst", "peu", "pe_tea", "yaas", "wyust")),
    Industry("咖啡", "高原特色农业", r"咖啡(?![因碱色酸])", FOOD, ("bs_coffee", "dh_agri", "peu")),
    Industry(
        "花卉",
        "高原特色农业",
        r"花卉|鲜花|切花|玫瑰|月季|百合|兰花|兰科",
        AG,
        ("flower_inst", "yau", "yx_inst", "dali_u"),
    ),
    Industry("核桃", "高原特色农业", r"核桃", AG, ("yafg", "dali_u", "swfu", "lc_nut", "cxnu")),
    Industry("马铃薯", "高原特色农业", r"马铃薯", AG, ("zt_agri", "yaas", "ztu", "dq_agri")),
    Industry("三七", "生物医药与中药材", r"三七", BIO, ("ws_sanqi", "wsu", "kib", "baiyao")),
    Industry("天麻", "生物医药与中药材", r"天麻", BIO, ("zt_agri", "ztu", "kib", "dali_u")),
    Industry(
        "中药",
        "生物医药与中药材",
        r"中药|药材|民族药|彝药|傣药|灯盏",
        BIO,
        ("yntcm", "cx_yiyao", "kib", "dali_u", "baiyao"),
    ),
    Industry("锡", "有色金属与新材料", r"(?<!无)锡(?!林)", NM, ("ytc", "gj_solder", "kust", "uoh")),
    Industry("稀土", "有色金属与新材料", r"稀土", NM, ("kust", "pm_inst", "spm", "ynu")),
    Industry("铝", "有色金属与新材料", r"铝", NM, ("ws_alu", "kust", "yth", "chihong")),
    Industry("储氢", "有色金属与新材料", r"储氢", NE, ("kust", "pm_inst", "lm_inst", "grid_epri")),
    Industry(
        "水电",
        "绿色能源",
        r"水电|水轮|水力发电",
        NE,
        ("lancang_hydro", "grid_epri", "kust", "cxnu"),
    ),
    Industry("光伏", "绿色能源", r"光伏|太阳能电池", NE, ("qj_pv", "ynnu", "grid_epri", "yxnu")),
    Industry(
        "大数据",
        "数字经济",
        r"数字经济|大数据|电子商务|区块链|物联网|云计算|数字化",
        EI,
        ("yunzhi_soft", "dh_digital", "ynu", "qjnu", "yxnu"),
    ),
    Industry(
        "滑坡",
        "地质灾害防治",
        r"地质灾害|滑坡|泥石流|崩塌",
        RE,
        ("geo_inst", "kust", "cxnu", "ynu"),
    ),
    Industry(
        "污水",
        "环境保护",
        r"环境保护|污染|废水|污水|重金属|水环境|湖泊|生态修复",
        RE,
        ("dianchi_water", "yxnu", "dali_u", "ynu", "kust"),
    ),
    Industry("橡胶", "热带作物与橡胶", r"橡胶", NM, ("trop_inst", "bn_rubber", "xtbg", "kust")),
    Industry(
        "烟草",
        "烟草",
        r"烟草|烟叶|烤烟|卷烟|条烟|植烟",
        AG,
        ("tobacco_inst", "hongta", "yau", "qjnu"),
    ),
)
# Records per industry word at the default size; scaled down with --size.
INDUSTRY_QUOTA = 10


def industry_quota(size: int) -> int:
    return max(1, min(INDUSTRY_QUOTA, round(size * INDUSTRY_QUOTA / DEFAULT_SIZE)))


def title_summary(title: str, field_label: str) -> str:
    """A title-only record (CSL title rows) gets a plain statement of what it offers."""
    return (
        f"本成果围绕“{title}”开展研究与试验示范，形成了可推广的技术方案、工艺参数和操作规程，"
        f"属于{field_label}领域。单位可提供技术资料与现场指导，面向省内企业开展许可、"
        "技术服务或合作开发。"
    )


def load_title_sources(data_dir: Path | None = None) -> list[Source]:
    """CSL title rows (no abstract): used only to bring a thin industry up to its quota."""
    path = (data_dir or shared_data_dir()) / "csl" / "csl_titles_category.tsv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            (row["id"], row["title"].strip())
            for row in csv.DictReader(handle, delimiter="\t")
            if row.get("title")
        ]
    sources = [
        Source(sid, title[:200], "", [], "", "paper", tags={"title_only"}) for sid, title in rows
    ]
    _tag_sources(sources)
    return sources


def _industry_text(source: Source) -> str:
    return " ".join([source.title, *source.keywords])


def _industry_candidates(
    rng: random.Random, industry: Industry, sources: list[Source], extra: list[Source]
) -> list[Source]:
    """Texts about the industry, best first: the built-in texts on Yunnan's own results, full
    records that read like a technology, paper-like titles, then title-only rows."""
    pattern = re.compile(industry.pattern)
    full = [s for s in sources if pattern.search(_industry_text(s))]
    rng.shuffle(full)
    full.sort(key=lambda s: "paperish" in s.tags)
    more = [s for s in extra if pattern.search(_industry_text(s))]
    builtin = [s for s in more if s.sid.startswith("builtin-")]
    return builtin + full + [s for s in more if not s.sid.startswith("builtin-")]


def plan_industries(
    rng: random.Random,
    sources: list[Source],
    extra: list[Source],
    size: int,
    today: dt.date,
    org_names: dict[str, str],
    used: set[str],
) -> list[Plan]:
    """Published records for each industry word (up to its quota, all together at most two
    thirds of the demo), owned in turn by the industry's units."""
    quota = industry_quota(size)
    labels = dict(IndustryField.choices)
    plans: list[Plan] = []
    for industry in INDUSTRIES:
        candidates = [
            s for s in _industry_candidates(rng, industry, sources, extra) if s.sid not in used
        ]
        offset = rng.randrange(len(industry.owners))
        for i, source in enumerate(candidates[:quota]):
            if len(plans) >= size * 2 // 3:
                return plans
            used.add(source.sid)
            if not source.field:
                source.field = industry.field
            if "title_only" in source.tags and not source.summary:
                source.summary = title_summary(source.title, labels[source.field])
            owner = industry.owners[(offset + i) % len(industry.owners)]
            transfer = (
                TransferStatus.UNTRANSFERRED
                if rng.random() < 0.7
                else _weighted(rng, TRANSFER_WEIGHTS)
            )
            plans.append(
                _plan_one(
                    rng,
                    source,
                    _industry_ip_type(rng, source),
                    owner,
                    AchievementStatus.PUBLISHED,
                    transfer,
                    today,
                    org_names,
                    9000 + len(plans),
                )
            )
    return plans


def _industry_ip_type(rng: random.Random, source: Source) -> str:
    if source.kind == "patent":
        return IpType.PATENT if source.pub_number[-1:] in ("B", "U") else IpType.PATENT_APPLICATION
    for tag, ip_type in (
        ("variety", IpType.PLANT_VARIETY),
        ("drug", IpType.DRUG_MARKETING_AUTHORIZATION),
        ("software", IpType.SOFTWARE_COPYRIGHT),
    ):
        if tag in source.tags:
            return ip_type
    return _weighted(
        rng,
        ((IpType.PATENT, 40), (IpType.PATENT_APPLICATION, 25), (IpType.KNOW_HOW, 35)),
    )


def plan_achievements(
    rng: random.Random,
    sources: list[Source],
    size: int,
    today: dt.date,
    org_names: dict[str, str],
    extra: list[Source] | None = None,
) -> list[Plan]:
    """The demo's records: Yunnan's industries first (plan_industries), then the rest by
    ip_type shares, status and transfer weights."""
    pools = _pools(sources)
    used: set[str] = set()
    plans: list[Plan] = plan_industries(rng, sources, extra or [], size, today, org_names, used)
    first = len(plans)
    owners_by_field: dict[str, list[tuple[str, int]]] = {}
    for spec in ORGS:
        for rank, value in enumerate(spec.fields):
            owners_by_field.setdefault(value, []).append(
                (spec.key, max(1, spec.weight * (3 - min(rank, 2))))
            )
    fallback = [(s.key, s.weight) for s in ORGS if s.weight]
    # A third of the records go to units outside Kunming, prefecture by prefecture, so the map
    # shows every州（市）; Kunming still holds most, as it does in fact.
    by_prefecture: dict[str, list[OrgSpec]] = {}
    for spec in ORGS:
        if spec.weight and spec.prefecture != KM:
            by_prefecture.setdefault(spec.prefecture, []).append(spec)
    outside = sorted(by_prefecture)
    counts = ip_type_counts(size - first)
    statuses = [s for s, _ in STATUS_WEIGHTS]
    transfers = [t for t, _ in TRANSFER_WEIGHTS]
    n = 0
    for ip_type, count in counts.items():
        pool = pools[ip_type] or sources
        order = list(range(len(pool)))
        rng.shuffle(order)
        picked = [pool[i] for i in order if pool[i].sid not in used][:count]
        while len(picked) < count:  # tiny (built-in) corpus: reuse texts
            picked.append(pool[len(picked) % len(pool)])
        for source in picked:
            status: str
            transfer: str
            used.add(source.sid)
            # The first rows cycle through every transfer status, then every lifecycle status,
            # so any size covers them all; the rest follow the weights.
            if n < len(transfers):
                status, transfer = AchievementStatus.PUBLISHED, transfers[n]
            else:
                k = n - len(transfers)
                status = statuses[k] if k < len(statuses) else _weighted(rng, STATUS_WEIGHTS)
                if status == AchievementStatus.PUBLISHED:
                    transfer = _weighted(rng, TRANSFER_WEIGHTS)
                elif rng.random() < 0.85:
                    transfer = TransferStatus.UNTRANSFERRED
                else:
                    transfer = TransferStatus.SELF_IMPLEMENTED
            if n % 3 == 2 and outside:
                local = by_prefecture[outside[(n // 3) % len(outside)]]
                owner = next(
                    (s.key for s in local if source.field in s.fields), rng.choice(local).key
                )
            else:
                candidates = owners_by_field.get(source.field) or fallback
                owner = rng.choices([k for k, _ in candidates], weights=[w for _, w in candidates])[
                    0
                ]
            plans.append(
                _plan_one(
                    rng, source, ip_type, owner, status, transfer, today, org_names, first + n
                )
            )
            n += 1
    rng.shuffle(plans)
    return plans


def _plan_one(
    rng: random.Random,
    source: Source,
    ip_type: str,
    owner: str,
    status: str,
    transfer: str,
    today: dt.date,
    org_names: dict[str, str],
    seq: int,
) -> Plan:
    published_at = submitted_at = None
    if status in (AchievementStatus.PUBLISHED, AchievementStatus.DELISTED):
        pub_day = _day_between(rng, dt.date(2024, 1, 2), today - dt.timedelta(days=1))
        published_at = _aware(pub_day, rng)
        submitted_at = published_at - dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6))
        acquired = _day_between(rng, dt.date(2021, 1, 1), pub_day - dt.timedelta(days=20))
    else:
        acquired = _day_between(rng, dt.date(2021, 1, 1), today - dt.timedelta(days=3))
        if status == AchievementStatus.SUBMITTED:
            submitted_at = _aware(
                _day_between(rng, today - dt.timedelta(days=40), today - dt.timedelta(days=1)), rng
            )
    created_at = (
        submitted_at or _aware(today - dt.timedelta(days=rng.randint(1, 60)), rng)
    ) - dt.timedelta(days=rng.randint(1, 30))
    transferred_on = None
    if transfer != TransferStatus.UNTRANSFERRED:
        transferred_on = _day_between(rng, acquired + dt.timedelta(days=30), today)
    research_unit = next(s for s in ORGS if s.key == owner).org_type in RESEARCH_UNIT_TYPES
    funded = research_unit and rng.random() < 0.7
    low, high = TRL_RANGES[ip_type]
    employer = org_names[owner]
    completers = [
        {"name": person_name(rng), "employer": employer} for _ in range(rng.randint(2, 6))
    ]
    lead = DEMO_RESEARCHERS.get(owner)
    if lead and rng.random() < 0.3:  # the demo researcher accounts appear as lead completers
        completers[0]["name"] = lead
    if rng.random() < 0.15:
        partner = rng.choice([s for s in ORGS if s.org_type == T.ENTERPRISE])
        completers.append({"name": person_name(rng), "employer": partner.name})
    fields = {
        "title": shaped_title(ip_type, source.title),
        "summary": source.summary,
        "keywords": list(ensure_keywords(source)),
        "industry_field": source.field,
        "ip_type": ip_type,
        "ip_number": ip_number(rng, ip_type, source, acquired, seq),
        "ip_acquired_on": acquired,
        "trl": rng.randint(low, high),
        "is_service": research_unit or rng.random() < 0.6,
        "fiscally_funded": funded,
        "funding_programme": rng.choice(FUNDING_PROGRAMMES) if funded else "",
        "is_applied_technology": rng.random() < 0.88,
        "transfer_status": transfer,
        "transferred_on": transferred_on,
    }
    return_reason = ""
    if status == AchievementStatus.DRAFT and rng.random() < 0.35:
        return_reason = rng.choice(RETURN_REASONS)
    return Plan(
        source,
        ip_type,
        owner,
        status,
        transfer,
        fields,
        completers,
        published_at,
        submitted_at,
        created_at,
        return_reason,
    )


# --------------------------------------------------------------------------- announcements

ANNOUNCEMENTS = (
    (
        "云南省人民政府办公厅关于印发《促进科技成果转移转化十五条措施》的通知",
        "各州（市）人民政府，省直各委、办、厅、局：《促进科技成果转移转化十五条措施》已经省人民政府同意，"
        "现印发给你们，请认真贯彻执行。措施围绕职务科技成果赋权改革、单列管理、限时转化、先使用后付费、"
        "尽职免责等方面提出具体举措。（云政办发〔2024〕65号）",
        dt.date(2024, 12, 30),
        True,
    ),
    (
        "云南省科技厅关于印发科技成果“先使用后付费”等2个工作指引（试行）的通知",
        "《云南省科技成果“先使用后付费”工作指引（试行）》《云南省科技成果转化尽职免责工作指引（试行）》"
        "已经省人民政府同意，现予印发。科研单位可按“零门槛费+阶段性支付+收入提成”等方式将科技成果许可"
        "中小微企业使用。（云科规〔2025〕4号）",
        dt.date(2025, 10, 8),
        True,
    ),
    (
        "关于报送2026年度科技成果转化清单的通知",
        "请各高等院校、科研院所、医疗卫生机构于12月20日前通过本平台报送本单位财政资金支持形成的应用技术类"
        "科技成果转化清单。取得知识产权满2年仍未实施转化的成果，将按规定纳入“先用后转”清单。",
        dt.date(2026, 11, 2),
        True,
    ),
    (
        "关于组织申报2026年度科技成果转化奖补的通知",
        "按照“十五条措施”有关规定，对技术合同认定登记、实际到账额达到标准的单位和技术转移机构给予奖补。"
        "申报单位须完成技术合同认定登记，同一事项按“就高不就低”原则只享受一次支持。",
        dt.date(2026, 9, 15),
        True,
    ),
    (
        "云南省科技成果转移转化服务平台上线试运行公告",
        "平台提供科技成果登记与公开挂牌、先使用后付费许可、转化清单报送、奖补申报和尽职免责申请等服务。"
        "试运行期间如有问题，请联系平台运维。",
        dt.date(2026, 6, 1),
        True,
    ),
    (
        "（草稿）关于开展科技成果转化尽职免责案例征集的通知",
        "拟征集省内科研单位依规开展科技成果转化、勤勉尽责但未达预期效果的典型案例。",
        dt.date(2026, 11, 20),
        False,
    ),
)


# --------------------------------------------------------------------------- loading


@dataclass
class DemoResult:
    loaded: bool
    organisations: int = 0
    users: int = 0
    achievements: int = 0
    via_services: int = 0
    seconds: float = 0.0
    used_builtin_texts: bool = False
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    processes: ProcessResult | None = None


def demo_usccs() -> list[str]:
    return [s.uscc for s in ORGS] + [spec.uscc for spec, *_ in SIGN_UPS] + government_usccs()


def demo_usernames() -> list[str]:
    return (
        [u.username for u in USERS]
        + [username for _, username, *_ in SIGN_UPS]
        + government_usernames()
        + staff_usernames([s.key for s in ORGS])
    )


def demo_present() -> bool:
    marker = next(s for s in ORGS if s.key == MARKER_KEY)
    return Organisation.objects.filter(uscc=marker.uscc).exists()


def demo_delete() -> None:
    """Remove the demo's own rows (not the append-only audit chain)."""
    User = get_user_model()
    with transaction.atomic():
        orgs = Organisation.objects.filter(uscc__in=demo_usccs())
        events_delete(orgs)
        exemption_projects_delete(orgs)
        jobs_delete(User.objects.filter(username__in=demo_usernames()))
        subsidies_review_delete(orgs)
        more_delete(orgs)  # directory, vouchers, rights grants, credit
        deals_delete(orgs)
        processes_delete(orgs)
        contracts_delete(orgs)
        Achievement.objects.filter(owner__in=orgs).delete()
        User.objects.filter(username__in=demo_usernames()).delete()
        User.objects.filter(organisation__in=orgs).delete()
        orgs.update(supervisor=None)  # the supervising departments go in the same delete
        orgs.delete()
        Announcement.objects.filter(title__in=[a[0] for a in ANNOUNCEMENTS]).delete()


def demo_accounts() -> list[tuple[str, str, str]]:
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[u.username for u in USERS]).select_related(
            "organisation"
        )
    }
    rows = []
    for spec in USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        labels = "、".join(user.role_labels) + ("（超级用户）" if user.is_superuser else "")
        rows.append((user.username, labels, user.organisation.name if user.organisation else "—"))
    return rows


def load_demo(
    *,
    size: int = DEFAULT_SIZE,
    reset: bool = False,
    data_dir: Path | None = None,
    log: Callable[[str], None] = lambda _msg: None,
    today: dt.date | None = None,
) -> DemoResult:
    """Load the demo unless it is present (reset=True: delete it first). Deterministic."""
    started = timezone.now()
    if reset:
        demo_delete()
        log("已删除原有演示数据。")
    elif demo_present():
        return DemoResult(loaded=False, accounts=demo_accounts())
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    sources = load_sources(data_dir)
    builtin = not sources
    # Title-only rows and the built-in Yunnan texts only top up an industry the records lack.
    extra = [] if builtin else load_title_sources(data_dir) + builtin_sources()
    if builtin:
        log("未找到共享数据目录，使用内置示例文本。")
        sources = builtin_sources()
    with transaction.atomic():
        orgs = _create_organisations()
        password = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares it
        users = _create_users(orgs, password)
        users.update(demo_government(orgs=orgs, password=password)["users"])
        _sign_ups(users["dept_reviewer"])
        plans = plan_achievements(
            rng, sources, size, today, {k: o.name for k, o in orgs.items()}, extra
        )
        via_services = _create_via_services(rng, plans, users, orgs)
        _bulk_create(plans, orgs, users, today)
        Announcement.objects.bulk_create(
            Announcement(title=t, body=b, published_on=d, is_public=p)
            for t, b, d, p in ANNOUNCEMENTS
        )
        load_disclosures(rng=rng, today=today, orgs=orgs, users=users)  # before the offers
        processes = load_processes(
            rng=rng,
            today=today,
            orgs=orgs,
            users=users,
            password=password,
            size=size,
            log=log,
        )
        load_events(users=users)
        demo_government_activity(users=users, today=today)  # reports, a supervisor change
        load_subsidies_review(today=today, users=users, password=password)
        load_deals(today=today, orgs=orgs, users=users)  # assignment and equity deals
        load_contracts(today=today, orgs=orgs, users=users, password=password)
        load_jobs(users=users)  # background jobs: done, failed, running
        load_more(today=today, orgs=orgs, users=users)  # directory, vouchers, grants, credit
        load_exemption_projects(today=today, orgs=orgs, users=users)  # 尽职免责, projects
    return DemoResult(
        loaded=True,
        organisations=len(orgs) + len(SIGN_UPS),
        users=len(users) + len(SIGN_UPS) + processes.staff,
        achievements=len(plans),
        via_services=via_services,
        seconds=(timezone.now() - started).total_seconds(),
        used_builtin_texts=builtin,
        accounts=demo_accounts(),
        processes=processes,
    )


def _create_organisations() -> dict[str, Organisation]:
    reviewed_at = dt.datetime(2025, 11, 3, 10, 0, tzinfo=TZ)
    Organisation.objects.bulk_create(
        Organisation(
            name=s.name,
            org_type=s.org_type,
            uscc=s.uscc,
            prefecture=s.prefecture,
            address=s.address,
            contact_name="",
            contact_phone=f"{AREA_CODES[s.prefecture]}-6{s.uscc[10:17]}",
            introduction=s.intro,
            is_sme=s.sme,
            is_tech_enterprise=s.tech,
            is_national_transfer_agency=s.national,
            status=OrganisationStatus.APPROVED,
            reviewed_at=reviewed_at,
        )
        for s in ORGS
    )
    by_uscc = {o.uscc: o for o in Organisation.objects.filter(uscc__in=[s.uscc for s in ORGS])}
    return {s.key: by_uscc[s.uscc] for s in ORGS}


def _create_users(orgs: dict[str, Organisation], password: str) -> dict[str, Any]:
    User = get_user_model()
    users = {}
    for spec in USERS:
        user = User(
            username=spec.username,
            display_name=spec.display_name,
            password=password,
            email=f"{spec.username}@demo.zhuanhua.local",
            organisation=orgs[spec.org] if spec.org else None,
            roles=[str(r) for r in spec.roles],
            is_superuser=spec.superuser,
            is_staff=spec.superuser,
        )
        user.save()
        users[spec.username] = user
    for org in orgs.values():  # contact person: the first member, if any
        member = next((u for u in users.values() if u.organisation_id == org.pk), None)
        if member:
            org.contact_name = member.display_name
            org.save(update_fields=["contact_name"])
    return users


def _sign_ups(reviewer: Any) -> None:
    for spec, username, display_name, refusal in SIGN_UPS:
        org = organisation_services.organisation_sign_up(
            data={
                "name": spec.name,
                "org_type": spec.org_type,
                "uscc": spec.uscc,
                "prefecture": spec.prefecture,
                "is_sme": spec.sme,
                "contact_name": display_name,
            },
            username=username,
            password=DEMO_PASSWORD,
            display_name=display_name,
        )
        if refusal:
            organisation_services.organisation_review(
                user=reviewer, organisation=org, approve=False, reason=refusal
            )


# Service-created achievements: their owners' editors and the lifecycle each one walks.
SERVICE_EDITORS = {
    "ynu": "ynu_manager",
    "kust": "kust_manager",
    "yaas": "yaas_manager",
    "kib": "kib_manager",
}
SERVICE_PATHS: dict[str, tuple[tuple[str, str], ...]] = {
    AchievementStatus.DRAFT: (),
    AchievementStatus.SUBMITTED: (("submit", ""),),
    AchievementStatus.PUBLISHED: (("submit", ""), ("publish", "")),
    AchievementStatus.DELISTED: (("submit", ""), ("publish", ""), ("delist", "")),
}


def _create_via_services(
    rng: random.Random,
    plans: list[Plan],
    users: dict[str, Any],
    orgs: dict[str, Organisation],
) -> int:
    """A realistic subset walks the real services (create → submit → publish/return → delist),
    so the audit chain and timestamps are genuine. Returns how many."""
    reviewer = users["dept_reviewer"]
    budget = max(len(SERVICE_PATHS), min(24, len(plans) // 12))
    candidates = [p for p in plans if p.owner in SERVICE_EDITORS]
    chosen = candidates[:budget]
    # Every lifecycle walks the services at any size: a missing one is taken from further on.
    for status in SERVICE_PATHS:
        if not any(p.status == status for p in chosen):
            chosen += [p for p in candidates[budget:] if p.status == status][:1]
    first_draft = next((p for p in chosen if p.status == AchievementStatus.DRAFT), None)
    for i, plan in enumerate(chosen):
        editor = users[SERVICE_EDITORS[plan.owner]]
        achievement = achievement_services.achievement_create(
            user=editor, data=dict(plan.fields), completers=plan.completers
        )
        path = list(SERVICE_PATHS[plan.status])
        returned = plan.return_reason or i % 2 == 0 or plan is first_draft
        if plan.status == AchievementStatus.DRAFT and returned:
            reason = plan.return_reason or RETURN_REASONS[0]
            path = [("submit", ""), ("return", reason)]
        for action, reason in path:
            actor = reviewer if action in ("publish", "return") else editor
            achievement = achievement_services.achievement_transition(
                user=actor, achievement=achievement, action=action, reason=reason
            )
        plan.fields["_pk"] = achievement.pk
    return len(chosen)


def _bulk_create(
    plans: list[Plan], orgs: dict[str, Organisation], users: dict[str, Any], today: dt.date
) -> None:
    editors = {orgs[k].pk: users[v] for k, v in SERVICE_EDITORS.items()}
    rows: list[tuple[Achievement, Plan]] = []
    for plan in plans:
        if "_pk" in plan.fields:
            continue
        owner = orgs[plan.owner]
        a = Achievement(
            owner=owner,
            prefecture=owner.prefecture,
            status=plan.status,
            return_reason=plan.return_reason,
            published_at=plan.published_at,
            submitted_at=plan.submitted_at,
            created_by=editors.get(owner.pk),
            **plan.fields,
        )
        a.search_text = index_tokens([a.title, a.summary], a.keywords)
        rows.append((a, plan))
    created = Achievement.objects.bulk_create([a for a, _ in rows], batch_size=500)
    for a, (_, plan) in zip(created, rows, strict=True):
        if plan.created_at is not None:
            a.created_at = plan.created_at
            a.updated_at = plan.published_at or plan.submitted_at or plan.created_at
    Achievement.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=500)
    Completer.objects.bulk_create(
        [
            Completer(achievement=a, name=c["name"], order=i, employer=c["employer"])
            for a, (_, plan) in zip(created, rows, strict=True)
            for i, c in enumerate(plan.completers, start=1)
        ],
        batch_size=1000,
    )
