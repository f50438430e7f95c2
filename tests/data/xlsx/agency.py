"""Agency workbooks as they really are, built with openpyxl: every layout habit and mistake of issue 16, small
enough to read in a test. `python -m tests.data.xlsx.agency` writes them next to this file (committed, for the
CLI and the browser journey); the tests build them in memory from the same functions.

The requirement texts are our own short wording in the style agencies copy into the 测评项 column; the result
records are invented. Expected mappings are written out in tests/unit/test_agency_workbooks.py.

Habits reproduced (level 2 + cloud unless said):
- one sheet per assessed object: category sheets (中心机房, 安全通信网络, 系统边界, 安全管理制度 …), device sheets
  named after the device (出口防火墙, SQL server数据库), an extension sheet (安全计算环境云扩展), a cover sheet;
- a device sheet whose first row holds the object's details and whose header is on row 2;
- columns 扩展标准 / 控制点 (with a trailing space) / 测评项 / 结果记录 / 符合情况 or 符合程度, then an
  unlabelled weight column and an unlabelled row number;
- scope and control point written only on the first row of their block, as merged cells or blank cells;
- the extension block's scope written once (中心机房), in an unusual spelling (云计算拓展要求, 云计算安全扩展要求),
  or not at all (系统边界: the block is seen because the control points and letters start again);
- mistakes: a level-3 control point name (恶意代码和垃圾邮件防范), letters level 2 does not have (安全审计 d),
  管理制度 c)), an extension item on another category's sheet (云计算环境管理 on 中心机房), a weight that
  disagrees with the catalogue, a row no catalogue knows; a not-applicable result citing GA/T 2347-2025;
- level 3 (agency_l3_cloud): cloud-provider capability items of 网络架构 repeated as 访问控制 c–e on the
  boundary sheet.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = ["扩展标准", "控制点 ", "测评项", "结果记录", "符合程度", None, None]
GENERAL, CLOUD = "安全通用要求", "云计算扩展"


def _sheet(wb: Workbook, title: str, rows: list[list], *, details: str | None = None,
           header: list | None = None, merges: list[str] = ()) -> None:
    ws = wb.create_sheet(title)
    if details:
        ws.append([details])
    ws.append(list(header or HEADER))
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def agency_l2_cloud() -> bytes:
    """A level-2 system on a government cloud, as its agency's workbook has it."""
    wb = Workbook()
    wb.active.title = "封面"
    wb.active.append(["某县教育局门户网站 等级测评现场记录"])
    # 中心机房: scope merged over each block (written once), control points merged, weight and number unlabelled;
    # the cloud block holds 云计算环境管理, an item of 安全运维管理.
    _sheet(wb, "中心机房", [
        [GENERAL, "物理位置选择", "a）机房应设在能防震、防风、防雨的建筑内", "机房在政务云数据中心，框架结构。", "符合", 0.70, 1],
        [None, None, "b）机房不应放在建筑的顶层或地下室", "位于三层。", "符合", 0.40, 2],
        [None, "物理访问控制", "a）机房出入口设电子门禁，控制和记录进出人员", "门禁卡进出，记录保存一年。", "符合", 1.00, 3],
        [None, "电力供应", "a）供电线路上配稳压和过电压防护设备", "配有稳压器。", "符合", 0.70, 4],
        [None, None, "b）配备短期备用电力，满足断电时的运行要求", "无UPS。", "不符合", 1.00, 5],
        [CLOUD, "基础设施位置", "a）云计算基础设施位于中国境内", "政务云机房在本省。", "符合", 1.00, 6],
        [None, "云计算环境管理", "a）云计算平台的运维地点位于中国境内", "运维在省内进行。", "符合", 1.00, 7],
    ], merges=["A2:A6", "B2:B3", "B5:B6", "A7:A8"])
    # 安全通信网络: the cloud scope written once in an unusual spelling, control points left blank below
    _sheet(wb, "安全通信网络", [
        [GENERAL, "网络架构", "a）网络区域按业务和管理需要划分，并分配地址", "划分了业务区和管理区。", "符合", 0.70, 1],
        [None, None, "b）重要区域不放在网络边界，与其他区域之间有隔离手段", "核心区在内网，有防火墙隔离。", "符合", 1.00, 2],
        [None, "通信传输", "a）用校验技术保证通信中数据的完整性", "HTTPS。", "符合", 0.70, 3],
        ["云计算拓展要求", "网络架构", "a）云平台不承载高于自身等级的业务系统", "政务云为第三级。", "符合", 1.00, 4],
        [None, None, "b）不同云租户的虚拟网络之间相互隔离", "VPC 隔离。", "符合", 1.00, 5],
        [None, None, "c）平台能向云租户提供传输加密、边界防护和入侵防范等安全机制", "租户可选购安全服务。", "符合", 0.70, 6],
    ])
    # 系统边界: the general scope written once at the top, the cloud block not marked at all (its control points
    # start again); a level-3 control point name; a row nobody's catalogue knows.
    _sheet(wb, "系统边界", [
        [GENERAL, "边界防护", "a）跨边界的访问和数据流都经过边界设备提供的受控接口", "出口防火墙。", "符合", 1.00, 1],
        [None, "访问控制", "a）在边界处按访问控制策略设置规则，默认拒绝其余通信", "默认拒绝。", "部分符合", 1.00, 2],
        [None, "入侵防范", "a）在关键网络节点处监视网络攻击行为", "部署了IPS。", "符合", 1.00, 3],
        [None, "恶意代码和垃圾邮件防范", "a）在关键网络节点处对恶意代码进行检测和清除", "防火墙开启防病毒模块。", "符合", 0.70, 4],
        [None, "安全审计", "a）在边界和重要节点进行安全审计，覆盖每个用户", "未部署审计。", "不符合", 0.70, 5],
        [None, "访问控制", "a）在虚拟化网络边界部署访问控制机制并设置规则", "安全组已配置。", "符合", 1.00, 6],
        [None, None, "b）不同等级的网络区域边界之间部署访问控制并设置规则", "仅一个等级区域。", "不适用", 0.70, 7],
        [None, "入侵防范", "a）能检测云租户发起的网络攻击", "云平台提供。", "符合", 1.00, 8],
        [None, "安全检查", "a）每月开展一次边界巡检", "有巡检记录。", "符合", None, 9],
    ])
    # 出口防火墙: the object's details on row 1, the header on row 2; a weight that disagrees with ours
    _sheet(wb, "出口防火墙", [
        [GENERAL, "身份鉴别", "a）对登录用户进行身份标识和鉴别，口令有复杂度要求并定期更换", "管理员口令12位，90天更换。", "符合", 1.00, 1],
        [None, None, "b）具有登录失败处理功能，配置并启用结束会话、限制非法登录次数等措施", "5次失败锁定10分钟。", "符合", 1.00, 2],
        [None, None, "c）远程管理时采取措施防止鉴别信息在传输中被窃听", "HTTPS管理。", "符合", 1.00, 3],
        [None, "访问控制", "a）为登录用户分配账户和权限", "按角色分配。", "部分符合", 0.70, 4],
    ], details="IP：10.10.1.1  型号：USG6000E  版本：V600R007")
    # SQL server数据库: details row, and 安全审计 d), which level 2 does not have
    _sheet(wb, "SQL server数据库", [
        [GENERAL, "身份鉴别", "a）对登录用户进行身份标识和鉴别，口令有复杂度要求并定期更换", "sa 口令已改。", "符合", 1.00, 1],
        [None, "安全审计", "a）启用安全审计功能，审计覆盖每个用户", "已开启C2审计。", "符合", 0.70, 2],
        [None, None, "b）审计记录包括日期和时间、用户、事件类型、是否成功等", "记录齐全。", "符合", 0.40, 3],
        [None, None, "c）对审计记录进行保护和定期备份", "未备份审计日志。", "不符合", 0.70, 4],
        [None, None, "d）对审计进程进行保护，防止未经授权的中断", "无保护。", "不符合", 0.40, 5],
    ], details="IP：172.16.6.3  版本：server 2012")
    # 安全管理制度: 管理制度 c), a level-3 item carried over
    _sheet(wb, "安全管理制度", [
        [GENERAL, "安全策略", "a）制定网络安全工作的总体方针和安全策略", "有总体方针文件。", "符合", 1.00, 1],
        [None, "管理制度", "a）对安全管理活动中的主要管理内容建立安全管理制度", "制度汇编一册。", "符合", 0.70, 2],
        [None, None, "b）对管理人员或操作人员执行的日常管理操作建立操作规程", "有操作规程。", "部分符合", 0.70, 3],
        [None, None, "c）形成由总体方针、管理制度、操作规程、记录表单等构成的全面的制度体系", "未成体系。", "部分符合", 0.70, 4],
    ])
    # 安全计算环境云扩展: an extension sheet, its scope spelled 云计算安全扩展要求 and written once;
    # a not-applicable result whose reason cites GA/T 2347-2025
    _sheet(wb, "安全计算环境云扩展", [
        ["云计算安全扩展要求", "访问控制", "a）虚拟机迁移时访问控制策略随之迁移", "未发生迁移，策略绑定在安全组。", "符合", 0.70, 1],
        [None, None, "b）允许云租户设置不同虚拟机之间的访问控制策略", "安全组可由租户配置。", "符合", 0.70, 2],
        [None, "镜像和快照保护", "a）针对重要业务系统提供加固的操作系统镜像或加固服务",
         "依据GA/T 2347-2025，镜像加固由云服务商负责，本系统作为云服务客户不适用。", "不适用", 0.70, 3],
    ])
    return _save(wb)


def agency_l3_cloud() -> bytes:
    """A level-3 system: the boundary sheet repeats three 网络架构 capability items as 访问控制 c)–e)."""
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "安全通信网络", [
        [CLOUD, "网络架构", "a）云平台不承载高于自身等级的业务系统", "政务云为第三级。", "符合", 1.00, 1],
        [None, None, "b）不同云租户的虚拟网络之间相互隔离", "VPC 隔离。", "符合", 1.00, 2],
        [None, None, "c）平台能向云租户提供传输加密、边界防护和入侵防范等安全机制", "可选购。", "符合", 0.70, 3],
        [None, None, "d）云租户可以自行设置安全策略，如定义访问路径、选择安全组件、配置安全策略", "控制台可配。", "符合", 0.70, 4],
        [None, None, "e）平台提供开放接口或开放性安全服务，允许云租户接入第三方安全产品或选用第三方安全服务", "有安全市场。", "部分符合", 0.40, 5],
    ])
    _sheet(wb, "系统边界", [
        [CLOUD, "访问控制", "a）在虚拟化网络边界部署访问控制机制并设置规则", "安全组已配置。", "符合", 1.00, 1],
        [None, None, "b）不同等级的网络区域边界之间部署访问控制并设置规则", "仅一个等级区域。", "不适用", 0.70, 2],
        [None, None, "c）平台能向云租户提供传输加密、边界防护和入侵防范等安全机制", "可选购。", "符合", 0.70, 3],
        [None, None, "d）云租户可以自行设置安全策略，如定义访问路径、选择安全组件、配置安全策略", "控制台可配。", "符合", 0.70, 4],
        [None, None, "e）平台提供开放接口或开放性安全服务，允许云租户接入第三方安全产品或选用第三方安全服务", "有安全市场。", "部分符合", 0.40, 5],
    ])
    return _save(wb)


def large_agency_workbook(items, *, sheets: int = 40, rows: int = 1000) -> bytes:
    """A level-3 agency workbook of `sheets` sheets and `rows` result rows for the benchmark: ten category
    sheets, then device sheets of the computing environment (CES items), each in the agency layout (details row,
    header on row 2, scope written once, control points once per block, unlabelled weights and numbers).
    `items`: the level's catalogue items (general and extensions), in catalogue order."""
    words = ["符合", "部分符合", "不符合", "不适用"]
    by_category: dict[str, list] = {}
    for item in items:
        by_category.setdefault(item.category, []).append(item)
    titles = {"PES": "中心机房", "CNS": "安全通信网络", "ABS": "系统边界", "SMC": "安全管理中心", "PSS": "安全管理制度",
              "ORS": "安全管理机构", "HRS": "安全管理人员", "CMS": "安全建设管理", "MMS": "安全运维管理"}
    plan: list[tuple[str, list]] = [(title, by_category[code]) for code, title in titles.items()]
    devices = ["出口防火墙", "WAF", "堡垒机", "SQL server数据库", "Nginx中间件", "重要业务数据", "核心交换机"]
    n = 0
    while len(plan) < sheets:
        name = devices[n] if n < len(devices) else f"运维终端{n - len(devices) + 1}"
        plan.append((name, by_category["CES"]))
        n += 1
    # rows per sheet: an even share, capped by what a sheet can hold (one row per item); devices take the rest
    counts = [min(len(pool), rows // sheets) for _t, pool in plan]
    k = 0
    while sum(counts) < rows and any(c < len(p) for c, (_t, p) in zip(counts, plan, strict=True)):
        if counts[k % len(plan)] < len(plan[k % len(plan)][1]):
            counts[k % len(plan)] += 1
        k += 1
    wb = Workbook()
    wb.remove(wb.active)
    for k, (title, pool) in enumerate(plan):
        chosen = pool[: counts[k]]
        body, last_scope, last_cp = [], None, None
        for j, item in enumerate(chosen):
            scope = GENERAL if item.scope == "general" else CLOUD
            body.append([
                scope if scope != last_scope else None,
                item.control_point_zh if (scope, item.control_point) != last_cp else None,
                f"{item.letter}）{item.requirement_zh}", f"第{j + 1}条记录。", words[(k + j) % 4], item.weight, j + 1,
            ])  # fmt: skip
            last_scope, last_cp = scope, (scope, item.control_point)
        device = title in devices or title.startswith("运维")
        _sheet(wb, title, body, details=f"IP：10.0.{k}.1  版本：V{k}" if device else None)
    return _save(wb)


PROBLEMS = [
    ["序号", "安全类", "控制点", "问题描述", "风险等级", "整改建议"],
    ["1", "安全计算环境", "身份鉴别", "服务器和数据库管理员口令只有6位，没有复杂度要求，也从未更换", "中",
     "启用口令复杂度策略，口令不少于8位并定期更换"],
    ["2", "安全区域边界", "安全审计 a)", "网络边界没有部署审计设备，无法审计用户的网络行为", "高", "在边界部署网络审计系统"],
    ["3", "安全物理环境", "电力供应 b)", "机房没有UPS，断电后服务立即中断", "中", "配置满足两小时的UPS"],
    ["4", "安全管理中心", "集中管控", "没有集中管控平台", "低", "建设集中管控平台"],
]
HAZARDS = [
    ["序号", "重大风险隐患", "控制点", "触发项"],
    ["1", "管理员口令过于简单，可被直接猜中登录", "身份鉴别", "A-18"],
    ["2", "重要业务数据没有本地备份，一旦损坏无法恢复", "数据备份恢复", "A－26"],
]


def problem_list_xlsx() -> bytes:
    """Last year's report, 2025 template: the problem list (安全问题汇总) and the major risk hazards with their
    trigger codes, one sheet each; a control point written without its letter; a control point level 2 lacks."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in (("安全问题汇总", PROBLEMS), ("重大风险隐患", HAZARDS)):
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    return _save(wb)


def problem_list_docx() -> bytes:
    """The same two tables inside a Word report, after headings, as agencies deliver them."""
    from docx import Document

    document = Document()
    document.add_heading("网络安全等级测评报告", level=1)
    for heading, rows in (("安全问题汇总", PROBLEMS), ("重大风险隐患", HAZARDS)):
        document.add_paragraph(heading)
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


WORKBOOKS = {
    "agency_l2_cloud.xlsx": agency_l2_cloud,
    "agency_l3_cloud.xlsx": agency_l3_cloud,
    "problem_list_2025.xlsx": problem_list_xlsx,
    "problem_list_2025.docx": problem_list_docx,
}


if __name__ == "__main__":
    for name, build in WORKBOOKS.items():
        (HERE / name).write_bytes(build())
        print(HERE / name)
