"""Turn analyser output into flagged result sheets for ordered lab panels."""

from __future__ import annotations

import logging
from copy import deepcopy
from dataclasses import dataclass, field, replace

logger = logging.getLogger(__name__)


@dataclass
class RefRange:
    low: float
    high: float
    critical_low: float | None = None
    critical_high: float | None = None


@dataclass
class Analyte:
    code: str
    name: str
    unit: str
    adult: RefRange
    female: RefRange | None = None


@dataclass
class Panel:
    code: str
    title: str
    analytes: list[Analyte] = field(default_factory=list)
    turnaround_h: int = 24


PANELS: dict[str, Panel] = {
    "BMP": Panel(
        "BMP",
        "Basic metabolic panel",
        [
            Analyte("NA", "Sodium", "mmol/L", RefRange(135, 145, 120, 160)),
            Analyte("K", "Potassium", "mmol/L", RefRange(3.5, 5.1, 2.5, 6.5)),
            Analyte("CL", "Chloride", "mmol/L", RefRange(98, 107)),
            Analyte("GLU", "Glucose", "mg/dL", RefRange(70, 99, 40, 500)),
            Analyte("CREA", "Creatinine", "mg/dL", RefRange(0.7, 1.3), RefRange(0.6, 1.1)),
            Analyte("BUN", "Urea nitrogen", "mg/dL", RefRange(7, 20)),
        ],
        turnaround_h=6,
    ),
    "CBC": Panel(
        "CBC",
        "Complete blood count",
        [
            Analyte("WBC", "Leukocytes", "10^9/L", RefRange(4.0, 11.0, 1.0, 30.0)),
            Analyte(
                "HGB", "Haemoglobin", "g/dL", RefRange(13.5, 17.5, 7.0), RefRange(12.0, 15.5, 7.0)
            ),
            Analyte("PLT", "Platelets", "10^9/L", RefRange(150, 400, 20, 1000)),
            Analyte("HCT", "Haematocrit", "%", RefRange(41, 53), RefRange(36, 46)),
        ],
        turnaround_h=4,
    ),
    "MISC": Panel("MISC", "Miscellaneous chemistry", [], turnaround_h=48),
}


@dataclass(frozen=True)
class ResultRow:
    code: str
    name: str
    value: float | None
    unit: str
    flag: str


@dataclass
class ResultSheet:
    order_id: str
    title: str
    due_in_h: int
    rows: list[ResultRow]

    @classmethod
    def for_order(
        cls, order_id: str, panel_code: str, values: dict[str, float], sex: str, stat: bool = False
    ) -> ResultSheet:
        panel = deepcopy(PANELS.get(panel_code, PANELS["MISC"]))
        if stat:
            panel = replace(panel, turnaround_h=min(panel.turnaround_h, 2))
        rows = []
        for analyte in panel.analytes:
            ref = analyte.female if sex == "F" and analyte.female else analyte.adult
            value = values.get(analyte.code)
            rows.append(
                ResultRow(analyte.code, analyte.name, value, analyte.unit, flag_for(value, ref))
            )
        return cls(order_id, panel.title, panel.turnaround_h, rows)

    @property
    def abnormal(self) -> list[ResultRow]:
        return [row for row in self.rows if row.flag not in ("", "pending")]


def flag_for(value: float | None, ref: RefRange) -> str:
    if value is None:
        return "pending"
    if ref.critical_low is not None and value < ref.critical_low:
        return "LL"
    if ref.critical_high is not None and value > ref.critical_high:
        return "HH"
    if value < ref.low:
        return "L"
    return "H" if value > ref.high else ""


def build_sheets(orders: list[tuple[str, str, dict[str, float], str, bool]]) -> list[ResultSheet]:
    sheets = [ResultSheet.for_order(*order) for order in orders]
    logger.debug("built %d sheets", len(sheets))
    return sheets
