"""The Excel copy's "Checks" sheet: each cross-item check as a cell that turns red with its message.

A check's rule is written as an Excel formula over the answer cells of the section sheets. Its
cell is blank until every answer it reads is a number (as on the web, a check is not made over
a figure not given or a "Don't know"), then shows "OK" or the check's message on red. A rule
Excel cannot follow (one over choice codes or texts) says that it is checked when the workbook
is imported, which makes every check.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from omnibus.questionnaire import expressions as ex
from omnibus.questionnaire.checks import placed_checks
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.routing import parsed
from omnibus.questionnaire.wording import describe

CHECKS_SHEET = "Checks"
HEADER = ("Check", "Rule", "Result")
WIDTHS = (60, 50, 60)
OK = "OK"
EXCEL_OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _NotInExcel(Exception):
    """A part of a rule with no formula here (a choice code, a text, count())."""


def write_checks(workbook: Workbook, questionnaire: Questionnaire, cells: dict[str, str], formats: dict) -> None:
    """Add the Checks sheet when the questionnaire has checks; `cells` maps answer keys to cell addresses."""
    placed = placed_checks(questionnaire)
    if not placed:
        return
    sheet = workbook.add_worksheet(CHECKS_SHEET)
    for column, (name, width) in enumerate(zip(HEADER, WIDTHS, strict=True)):
        sheet.set_column(column, column, width, formats["text"])
        sheet.write_string(0, column, name, formats["header"])
    red = workbook.add_format({"bg_color": "#D4351C", "font_color": "#FFFFFF", "bold": True, "text_wrap": True})
    for row, check in enumerate(placed, start=1):
        sheet.write_string(row, 0, check.check.message, formats["text"])
        sheet.write_string(row, 1, describe(check.check.rule, questionnaire), formats["text"])
        try:
            formula = result_formula(check.check.rule, check.check.message, questionnaire, cells)
        except _NotInExcel:
            sheet.write_string(row, 2, "Checked when the workbook is imported", formats["routing"])
            continue
        sheet.write_formula(row, 2, formula, formats["text"], "")
    last = len(placed)
    sheet.conditional_format(1, 2, last, 2, {"type": "formula", "criteria": f'=AND(C2<>"{OK}",C2<>"")', "format": red})
    sheet.freeze_panes(1, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def result_formula(rule: str, message: str, questionnaire: Questionnaire, cells: dict[str, str]) -> str:
    """`=IF(AND(ISNUMBER(…)…), IF(rule, "OK", "message"), "")` for one check."""
    read: list[str] = []
    test = _formula(parsed(rule), questionnaire, cells, read)
    quoted = message.replace('"', '""')
    guard = f"AND({','.join(f'ISNUMBER({c})' for c in read)})" if read else "TRUE"
    return f'=IF({guard},IF({test},"{OK}","{quoted}"),"")'


def _formula(node: ex.Expr, q: Questionnaire, cells: dict[str, str], read: list[str]) -> str:
    if isinstance(node, ex.Literal):
        if isinstance(node.value, str):
            raise _NotInExcel(node.value)
        return str(node.value)
    if isinstance(node, ex.Ref):
        return _cell(node.name, q, cells, read)
    if isinstance(node, ex.Compare):
        left, right = _formula(node.left, q, cells, read), _formula(node.right, q, cells, read)
        return f"{left}{EXCEL_OPS[node.op]}{right}"
    if isinstance(node, ex.BoolOp):
        parts = ",".join(_formula(o, q, cells, read) for o in node.operands)
        return f"{node.op.upper()}({parts})"
    if isinstance(node, ex.Not):
        return f"NOT({_formula(node.operand, q, cells, read)})"
    if isinstance(node, ex.In):
        left = _formula(node.left, q, cells, read)
        test = f"OR({','.join(f'{left}={v}' for v in node.values)})"
        return f"NOT({test})" if node.negated else test
    if isinstance(node, ex.Call) and node.function == "sum":
        added = []
        for arg in node.args:
            owner = q.owner(arg.name) if isinstance(arg, ex.Ref) else None
            names = [i.id for i in owner.items] if owner is not None and owner.id == arg.name and owner.items else None
            added += [_cell(n, q, cells, read) for n in names] if names else [_formula(arg, q, cells, read)]
        return f"SUM({','.join(added)})"
    raise _NotInExcel(str(node))


def _cell(name: str, q: Questionnaire, cells: dict[str, str], read: list[str]) -> str:
    owner = q.owner(name)
    if owner is None or not owner.type.startswith("number") or name not in cells:
        raise _NotInExcel(name)
    if cells[name] not in read:
        read.append(cells[name])
    return cells[name]
