"""What the delivery PDF prints about documents and what is still owed: a record of today's shape lists the
documents once (group A of the checklist) and prints an owed item as 待交付 with its entry; a record of the old shape
(a `documents` list) still prints that list as it did. The section of things owed reads as a dealership prints it."""

from __future__ import annotations

import re
import subprocess
import uuid

from server import jobs
from tests.documents.test_handover_checks import MATS, new_shape, owed_mats


def pdf_text(app, bay, values: dict, tmp_path) -> str:
    """Create, sign and render `values`; the PDF's text as laid out, runs of spaces and blank lines made one."""
    record_id = str(uuid.uuid4())
    assert bay.tablet.push(bay.tablet.put("delivery", record_id, values))["results"][0]["outcome"] == "applied"
    assert bay.sign(record_id, values)["outcome"] == "applied"
    jobs.drain(app)
    (document,) = [v for k, v in bay.tablet.pull_all().items() if k.startswith("document/")]
    assert document["state"] == "ready", document
    response = bay.tablet.http.get(f"/api/sync/v1/blobs/{document['pdf_sha256']}", headers=bay.tablet.headers)
    path = tmp_path / "delivery.pdf"
    path.write_bytes(response.get_data())
    response.close()
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\n[ \n]*\n", "\n", re.sub(r" +", " ", text))


def test_a_record_of_todays_shape_prints_documents_once_and_owed_items_as_owed(app, bay, tmp_path):
    """No second list of documents; the floor mats, owed, print 待交付 on their checklist line; the section is
    待交付事项 with the promised date and the item it concerns."""
    values = new_shape(bay, we_owe=[*owed_mats("2026-12-20"), {"text": "首保券", "due_date": None}])
    values["items"].pop(MATS)
    text = pdf_text(app, bay, values, tmp_path)
    assert "已交付证件资料" not in text
    assert re.search(r"\n 1 机动车销售统一发票.* ✓\n", text)  # A01, the checklist's line
    assert re.search(r"\n 21 脚垫 / 后备箱垫（如约定） 待交付 见待交付事项\n", text)
    assert "我们欠客户的" not in text
    assert re.search(r"\n 待交付事项\n 事项 对应检验项目 约定交付日期\n", text)
    assert re.search(r"\n 原厂脚垫下周到店后补交 21. 脚垫 / 后备箱垫（如约定） 2026-12-20\n", text)
    assert re.search(r"\n 首保券 —\n", text)


def test_a_record_of_the_old_shape_prints_its_documents_list_as_before(app, bay, tmp_path):
    """Signed with a `documents` list (tablets before the change): printed, with the same labels."""
    values = bay.record()
    assert values["documents"] and not any("item_code" in w for w in values["we_owe"])
    text = pdf_text(app, bay, values, tmp_path)
    assert "已交付证件资料 机动车销售统一发票、机动车整车出厂合格证、三包凭证、车辆使用说明书" in text
