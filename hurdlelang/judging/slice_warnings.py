"""Run-time warnings about the slices of the data: a slice value whose rows hold one class only.

Macro averages are over every class of the spec in every slice (docs/language.md, "Multiclass"),
so where one class occurs the recall of the others, and so their average, is undefined, MCC too,
and an F1 or precision average counts classes that cannot occur there (undefined for a party that
never decides one of them). A hurdle `in every SLICE` on them is then undefined in that value. The
warning names such values up front."""

from __future__ import annotations

import numpy as np

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.data.prepared import Prepared
from hurdlelang.lang import ir
from hurdlelang.metrics.values import shown


def single_class_slices(spec: ir.Spec, data: Prepared, path: str) -> list[Diagnostic]:
    """W402 for each (slice column, value) whose evaluated labels hold a single class."""
    if spec.task != "multiclass":
        return []
    found = []
    classes = len(np.unique(data.label))
    for column in spec.data.slices:
        values = data.slices[column]
        names, codes_ = np.unique(values, return_inverse=True)
        for i, name in enumerate(names):
            labels = np.unique(data.label[codes_ == i])
            if len(labels) != 1:
                continue
            rows = int((codes_ == i).sum())
            found.append(
                Diagnostic(
                    codes.SINGLE_CLASS_SLICE,
                    f"slice {column} = {shown(name)} holds one class of the label ({shown(labels[0])}) in its "
                    f"{rows:,} row(s): there, recall_macro, balanced_accuracy and MCC are undefined, and f1_macro "
                    f"and precision_macro average in {classes - 1} classes that do not occur",
                    path,
                    hint=f"judge per-class metrics there (recall[{ir.class_text(str(labels[0]))}]), or guard the "
                    f"slice: require support[CLASS] >= 1 in every {column}",
                )
            )
    return found
