"""The SPDX licence list: `json/licenses.json` of spdx/license-list-data.

`{"licenseListVersion": "3.27.0", "licenses": [{"licenseId", "name", "isOsiApproved",
"isDeprecatedLicenseId", "isFsfLibre"?, ...}], "releaseDate"}`. OSI approval is what separates
`open-source` from the other open classes, so a list without it is rejected rather than read as "not approved".
"""

from __future__ import annotations

from datetime import timedelta

from collectors.parsing import load_json
from gapwatch.rows import LicenseRow, ParseResult, RowError
from gapwatch.source import DocMeta, ParseError, Schedule, Source


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    doc = load_json(body, f"spdx {meta.url}")
    if not isinstance(doc, dict) or not isinstance(doc.get("licenses"), list):
        raise ParseError(f"spdx {meta.url}: expected an object with a `licenses` list (licenses.json layout)")
    out = ParseResult()
    for entry in doc["licenses"]:
        if not isinstance(entry, dict):
            out.skipped.append(f"not an object: {str(entry)[:80]}")
            continue
        if "isOsiApproved" not in entry:
            raise ParseError(f"spdx {meta.url}: licence {entry.get('licenseId')!r} has no `isOsiApproved` field")
        try:
            out.rows.append(
                LicenseRow(
                    license_id=str(entry.get("licenseId") or ""),
                    name=str(entry.get("name") or ""),
                    osi_approved=bool(entry["isOsiApproved"]),
                    deprecated=bool(entry.get("isDeprecatedLicenseId", False)),
                )
            )
        except RowError as exc:
            out.hold_error(exc, str(exc))
    return out


SOURCE = Source(
    id="spdx",
    kind="license",
    label="SPDX",
    base_url="https://raw.githubusercontent.com",
    paths=("/spdx/license-list-data/main/json/licenses.json",),
    row_types=(LicenseRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(days=7)),
    max_age=timedelta(days=240),  # stale when its content stands still longer: released every 3-6 months
    description="SPDX licence list: licence ids, names, OSI approval, deprecation.",
    min_rows=100,
    real_files=(
        "realdata §5b: `licenses.json` 3.19, 3.24.0 and 3.27.0 (verbatim copies vendored by fsfe/reuse-tool; "
        "spdx/license-list-data itself was too large to fetch)."
    ),
)
