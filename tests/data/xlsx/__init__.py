"""Workbooks for the Excel round-trip tests, built with openpyxl at test time (no binaries committed).

`workbook()` writes sheets given as lists of rows; `agency_workbook()` is shaped like the workbooks agencies keep
(docs/domain.md): one sheet per assessed object, a title row above the header, items named by control point and
letter, no id column, merged category and control-point cells, Chinese result words, and a notes sheet.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook


def workbook(sheets: dict[str, Sequence[Sequence[object]]], merges: dict[str, list[str]] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        for ref in (merges or {}).get(title, []):
            ws.merge_cells(ref)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# The rows of the agency workbook, with the ids a level-3 catalogue gives them (counted by hand from docs/domain.md:
# PES 物理位置选择 a-b = 01-02, 物理访问控制 a = 03, 电力供应 a-c = 18-20; CES 身份鉴别 a-d = 01-04,
# 访问控制 a-g = 05-11, 安全审计 = 12-15, 入侵防范 a-f = 17-22 (16 does not exist); PSS 安全策略 a = 01,
# 管理制度 a-c = 02-04).
AGENCY_EXPECTED = {
    ("物理机房", "L3-PES1-01"): "conform",
    ("物理机房", "L3-PES1-02"): "partial",
    ("物理机房", "L3-PES1-03"): "conform",
    ("物理机房", "L3-PES1-20"): "nonconform",
    ("Web服务器", "L3-CES1-01"): "conform",
    ("Web服务器", "L3-CES1-02"): "partial",
    ("Web服务器", "L3-CES1-05"): "na",
    ("数据库服务器", "L3-CES1-01"): "conform",
    ("数据库服务器", "L3-CES1-19"): "nonconform",
    ("数据库服务器", "L3-CES1-06"): "partial",
    ("安全管理制度", "L3-PSS1-01"): "conform",
    ("安全管理制度", "L3-PSS1-03"): "partial",
}


def agency_workbook() -> bytes:
    machine_room = [
        ["物理机房现场测评记录表"],
        [],
        ["序号", "安全类", "控制点", "测评项", "结果记录", "符合情况（符合/部分符合/不符合/不适用）"],
        [
            1,
            "安全物理环境",
            "物理位置选择",
            "a）机房场地应选择在具有防震、防风和防雨等能力的建筑内",
            "机房位于教学楼二层，框架结构。",
            "符合",
        ],
        [2, None, None, "b）机房场地应避免设在建筑物的顶层或地下室", "位于二层，但楼顶有渗水痕迹。", "部分符合"],
        [3, None, "物理访问控制", "a）机房出入口应配置电子门禁系统", "有电子门禁，记录保存 3 个月。", "符合"],
        [4, None, "电力供应", "c）应设置冗余或并行的电力电缆线路", "单路供电。", "不符合"],
        [5, None, "电力供应", "a）应在机房供电线路上配置稳压器和过电压防护设备", None, None],
    ]
    web_server = [
        ["控制点", "测评项", "结果记录", "符合情况"],
        ["身份鉴别", "a) 应对登录的用户进行身份标识和鉴别", "用户名加口令登录。", "符合"],
        [None, "b) 应具有登录失败处理功能", "5 次失败锁定，未配置超时退出。", "部分符合"],
        ["访问控制", "a) 应对登录的用户分配账户和权限", "只有管理员账户。", "不适用"],
    ]
    database = [
        ["测评项", "结果记录", "符合情况"],
        ["身份鉴别 a)", "数据库账户均设口令。", "符合"],
        ["入侵防范c）", "未关闭不需要的服务。", "不符合"],
        ["访问控制（b）", "默认账户已改名。", "部分符合"],
    ]
    policies = [
        ["安全类", "控制点", "测评项", "结果记录", "符合情况"],
        ["安全管理制度", "安全策略", "a)", "有总体方针文件。", "符合"],
        ["安全管理制度", "管理制度", "b)", "部分制度缺失。", "部分符合"],
    ]
    notes = [["填写说明"], ["本表由测评机构填写。"]]
    return workbook(
        {"说明": notes, "物理机房": machine_room, "Web服务器": web_server, "数据库服务器": database,
         "安全管理制度": policies},
        merges={"物理机房": ["B4:B8", "C4:C5"]},
    )  # fmt: skip


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def replace_part(xlsx: bytes, name: str, data: bytes) -> bytes:
    """The same workbook with one part replaced (or added)."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    parts[name] = data
    return zip_bytes(parts)
