"""Accuracy checks on the bundled trained model.

An untrained model fails these tests, unlike the mechanics tests elsewhere.
"""

from __future__ import annotations

import pytest
from engine_support import segmenter

#: How far a predicted boundary may sit from the true one, in characters.
BOUNDARY_TOLERANCE = 5

PYTHON_HEAD = '''\
"""Fetch invoices from the billing API and store them as CSV."""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

import requests

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Invoice:
    number: str
    customer: str
    amount_cents: int

    @property
    def amount(self) -> float:
        return self.amount_cents / 100


def fetch_invoices(session: requests.Session, since: str) -> list[Invoice]:
    """Return every invoice issued since the ISO date ``since``."""
    response = session.get("/invoices", params={"since": since}, timeout=30)
    response.raise_for_status()
    return [
        Invoice(item["number"], item["customer"], int(item["amount_cents"]))
        for item in response.json()["items"]
    ]

'''

SCALA_BLOCK = """\
package billing.report

import scala.collection.mutable.ListBuffer

final case class Line(number: String, customer: String, amountCents: Long)

object Report {
  def totals(lines: Seq[Line]): Map[String, Long] =
    lines.groupBy(_.customer).view.mapValues(_.map(_.amountCents).sum).toMap

  def render(totals: Map[String, Long]): String = {
    val out = ListBuffer.empty[String]
    for ((customer, cents) <- totals.toSeq.sortBy(-_._2)) {
      out += f"$customer%-20s ${cents / 100.0}%10.2f"
    }
    out.mkString("\\n")
  }

  def main(args: Array[String]): Unit = {
    val lines = Seq(Line("A-1", "acme", 1250L), Line("A-2", "acme", 990L))
    println(render(totals(lines)))
  }
}

"""

PYTHON_TAIL = '''\
def write_csv(invoices: list[Invoice], path: Path) -> None:
    """Write ``invoices`` to ``path`` with a header row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["number", "customer", "amount"])
        for invoice in invoices:
            writer.writerow([invoice.number, invoice.customer, f"{invoice.amount:.2f}"])
    log.info("wrote %d invoices to %s", len(invoices), path)


if __name__ == "__main__":
    with requests.Session() as session:
        session.headers["Authorization"] = "Bearer " + Path("token").read_text()
        write_csv(fetch_invoices(session, "2024-01-01"), Path("invoices.csv"))
'''


def test_python_with_scala_block():
    text = PYTHON_HEAD + SCALA_BLOCK + PYTHON_TAIL
    scala_start = len(PYTHON_HEAD)
    scala_end = scala_start + len(SCALA_BLOCK)
    # The language server passes a Python file's languageId as the host prior.
    regions = segmenter(host_language="python").segment(text)
    assert [region.label for region in regions] == ["python", "scala", "python"]
    assert abs(regions[1].start - scala_start) <= BOUNDARY_TOLERANCE
    assert abs(regions[1].end - scala_end) <= BOUNDARY_TOLERANCE


@pytest.mark.parametrize(
    "text, label",
    [(PYTHON_HEAD + PYTHON_TAIL, "python"), (SCALA_BLOCK, "scala")],
)
def test_single_language_file_is_one_region(text, label):
    regions = segmenter(host_language=label).segment(text)
    assert [region.label for region in regions] == [label]
