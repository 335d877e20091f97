"""Walk-around content for the demo dealership: the six positions of its three series with FAB talking points in
Chinese and English, tagged by topic, one picture per position (drawn here with Pillow, a few KB each as WebP),
and per series a point only the top trim has. Deterministic ids and pictures: seeding twice changes nothing.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..extensions import db
from ..models import Presentation, Series, Store, Trim, User, next_store_version
from ..vocabularies.walkaround import DEFAULT_ORDER, DEFAULT_POSITION_TEXT
from ..workflow.presentation import latest, store_picture

#: Where on the side view each position's marker sits (x, y on a 640 × 400 picture).
MARKERS = {
    "front_left": (120, 250),
    "front": (150, 205),
    "side": (330, 255),
    "rear": (520, 225),
    "rear_seat": (385, 165),
    "driver_seat": (275, 165),
}


def draw_position(code: str, body_hex: str, detail: bool = False) -> bytes:
    """A small WebP illustration of the car with the position marked (no text, so no font is needed); with
    `detail`, a close-up around the marker (for a talking point)."""
    image = Image.new("RGB", (640, 400), "#eef2f6")
    draw = ImageDraw.Draw(image)
    for y in range(300, 400, 4):  # the showroom floor
        draw.line([(0, y), (640, y)], fill="#d9dee5")
    body = tuple(int(body_hex[i : i + 2], 16) for i in (1, 3, 5))
    draw.rounded_rectangle([70, 190, 570, 290], radius=38, fill=body)
    draw.polygon([(200, 190), (260, 125), (440, 125), (500, 190)], fill=body)
    draw.polygon([(220, 188), (268, 136), (340, 136), (340, 188)], fill="#a9c4d8")
    draw.polygon([(352, 188), (352, 136), (432, 136), (478, 188)], fill="#a9c4d8")
    draw.ellipse([74, 204, 112, 224], fill="#fff6c8")  # headlight
    draw.rounded_rectangle([548, 204, 568, 230], radius=4, fill="#c8282b")  # tail light
    draw.line([(346, 192), (346, 282)], fill="#00000040", width=2)  # door seam
    draw.polygon([(214, 176), (236, 170), (236, 184)], fill=body)  # mirror
    for x in (170, 470):
        draw.ellipse([x - 42, 248, x + 42, 332], fill="#2a2d33")
        draw.ellipse([x - 20, 270, x + 20, 310], fill="#9aa3ad")
    x, y = MARKERS[code]
    draw.ellipse([x - 34, y - 34, x + 34, y + 34], outline="#d0302f", width=7)
    if detail:
        image = image.crop((x - 120, y - 90, x + 120, y + 90)).resize((320, 240))
    out = io.BytesIO()
    image.save(out, "WEBP", quality=60, method=6)
    return out.getvalue()


def _p(topic, feature, advantage, benefit, top_trim=False) -> dict:
    """A talking point: each text is (Chinese, English)."""
    texts = {"feature": feature, "advantage": advantage, "benefit": benefit}
    return {"topic": topic, **{k: {"zh_CN": v[0], "en": v[1]} for k, v in texts.items()}, "top_trim": top_trim}


COMMON = {
    "front_left": [
        _p(
            "design",
            ("家族式贯穿前脸", "Signature full-width front"),
            ("辨识度高、显得宽大", "Recognisable and wide"),
            ("停在楼下就很有面子", "It looks the part wherever you park"),
        ),
        _p(
            "safety",
            ("全LED矩阵大灯", "Full-LED matrix headlights"),
            ("自动避让对向车、照得更远", "Dims around oncoming cars, reaches further"),
            ("您夜间跑高速更安全，不用频繁切远近光", "Safer night motorway drives without switching beams"),
            True,
        ),
    ],
    "side": [
        _p(
            "space",
            ("2850mm 轴距", "2,850 mm wheelbase"),
            ("后排腿部空间大", "Generous rear legroom"),
            ("家人长途乘坐更舒适", "Your family rides long trips in comfort"),
        ),
        _p(
            "safety",
            ("热成型高强度钢车身", "Hot-formed high-strength steel body"),
            ("侧面碰撞变形小", "Less intrusion in a side impact"),
            ("保护家人更安心", "Peace of mind for your family"),
        ),
        _p(
            "design",
            ("19 英寸双色轮毂", "19-inch two-tone wheels"),
            ("运动感强", "A sporty stance"),
            ("颜值在线，开出去有回头率", "Heads turn when you drive by"),
            True,
        ),
    ],
    "rear": [
        _p(
            "comfort",
            ("电动尾门+脚踢感应", "Power tailgate with kick sensor"),
            ("双手拿东西也能开", "Opens with your hands full"),
            ("购物、带娃时更方便", "Easier shopping trips and school runs"),
        ),
        _p(
            "space",
            ("后备箱 520L，后排可放倒", "520 L boot, rear seats fold flat"),
            ("能装下婴儿车和行李箱", "Takes a pram and suitcases"),
            ("全家出游一次装下", "One trip for the whole family's luggage"),
        ),
    ],
    "rear_seat": [
        _p(
            "safety",
            ("ISOFIX 儿童座椅接口", "ISOFIX child-seat anchors"),
            ("安装牢固、一插即用", "Fits firmly, clicks in"),
            ("孩子乘车更安全，您更放心", "Your child rides safer"),
        ),
        _p(
            "comfort",
            ("后排独立空调出风口+USB-C", "Rear A/C vents and USB-C"),
            ("后排温度、充电都照顾到", "Climate and charging for the rear"),
            ("长途不闷不无聊", "Long rides stay pleasant"),
        ),
    ],
    "driver_seat": [
        _p(
            "technology",
            ("L2 级驾驶辅助（ACC+车道居中）", "L2 driver assistance (ACC + lane centring)"),
            ("高速跟车自动加减速", "Follows traffic on the motorway"),
            ("长途通勤更轻松、不易疲劳", "Less tiring commutes"),
        ),
        _p(
            "technology",
            ("15.6 英寸中控屏+语音助手", "15.6-inch screen with voice assistant"),
            ("说句话就能导航、开空调", "Navigate or cool the car by voice"),
            ("开车时眼睛不离路面", "Eyes stay on the road"),
        ),
        _p(
            "comfort",
            ("座椅通风加热+记忆", "Ventilated, heated memory seats"),
            ("冬暖夏凉，一键回到您的坐姿", "Warm in winter, cool in summer, your position at a tap"),
            ("上车就舒服", "Comfortable from the first minute"),
            True,
        ),
    ],
}
FRONT = {
    "ice": [
        _p(
            "performance",
            ("1.5T + 7DCT", "1.5T engine + 7-speed DCT"),
            ("低转速大扭矩、换挡快", "Torque low down, quick shifts"),
            ("城市起步超车不费力", "Effortless starts and overtaking"),
        ),
        _p(
            "economy",
            ("百公里综合油耗 6.2L", "6.2 L/100 km combined"),
            ("同级油耗更低", "Lower consumption than its class"),
            ("每年省下一笔油钱", "Saves on fuel every year"),
        ),
    ],
    "phev": [
        _p(
            "economy",
            ("纯电续航 105km+亏电油耗 4.5L", "105 km electric range, 4.5 L/100 km on hybrid"),
            ("上下班几乎只用电", "Commutes run on electricity"),
            ("每公里成本一毛多", "A few fen per kilometre"),
        ),
        _p(
            "performance",
            ("双电机混动系统", "Dual-motor hybrid system"),
            ("起步即有最大扭矩", "Full torque from standstill"),
            ("加速安静又有力", "Quiet, strong acceleration"),
        ),
    ],
    "bev": [
        _p(
            "economy",
            ("CLTC 续航 510/650km", "510/650 km CLTC range"),
            ("一周充一次电", "Charge once a week"),
            ("用车成本只有油车三分之一", "A third of a petrol car's running cost"),
        ),
        _p(
            "space",
            ("前备箱 50L", "50 L front trunk"),
            ("充电线、雨具有地方放", "Room for cables and umbrellas"),
            ("后备箱留给行李", "The boot stays free for luggage"),
        ),
    ],
}
VALUE = _p(
    "value",
    ("整车 8 年/16 万公里质保", "8-year / 160,000 km warranty"),
    ("用车无后顾之忧", "No worries about repairs"),
    ("二手残值更高", "Better resale value"),
)


def seed_walkaround(store: Store, manager: User, demo_id, powertrains: dict[str, str], colours: dict[str, str]) -> int:
    """Publish version 1 of each demo series' content unless the series has content already; returns how many
    records were created (presentations and picture blobs)."""
    created = 0
    series_rows = db.session.scalars(select(Series).where(Series.store_id == store.id, Series.deleted.is_(False)))
    for series in series_rows:
        if series.name not in powertrains or latest(store.id, series.id) is not None:
            continue
        trims = db.session.scalars(select(Trim).where(Trim.series_id == series.id).order_by(Trim.msrp_yuan)).all()
        top = [trims[-1].id] if len(trims) > 1 else []
        positions = []
        for code in DEFAULT_ORDER:
            points = (FRONT[powertrains[series.name]] + [VALUE]) if code == "front" else COMMON[code]
            picture = store_picture(store.id, draw_position(code, colours[series.name]))
            rows = []
            for n, point in enumerate(points):
                body = {k: v for k, v in point.items() if k != "top_trim"}
                trims_of = top if point["top_trim"] else []
                close_up = store_picture(store.id, draw_position(code, colours[series.name], True)) if n == 0 else None
                rows.append({"code": f"{code}_{n + 1}", **body, "picture": close_up, "trims": trims_of})
            title, hint = DEFAULT_POSITION_TEXT[code]
            positions.append({"code": code, "title": title, "stand_hint": hint, "picture": picture, "points": rows})
        presentation = Presentation(id=demo_id("presentation", series.name, 1), store_id=store.id)
        values = {
            "series_id": series.id,
            "content_version": 1,
            "position_order": list(DEFAULT_ORDER),
            "positions": positions,
            "published_at": "2026-11-01T09:00:00+00:00",
            "published_by": manager.id,
        }
        presentation.apply(values, next_store_version(store.id))
        db.session.add(presentation)
        db.session.flush()
        created += 1
    return created
