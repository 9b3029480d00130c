// What XAPI release a pool runs, read from its master's host record, and what that release offers:
// so the tree can say which product and API an admin is looking at, and the commands offer only the
// paths the pool has. No vscode import.
//
// API versions (xen-api ocaml/idl/datamodel_types.ml): XenServer 5.5 = 1.6, 6.0 and XCP 1.5 = 1.9,
// 6.1 = 1.10, 6.2 = 2.0, XCP-ng 8.3 = 2.21.

import type { PoolModel } from './poolModel';

export interface ApiVersion {
  major: number;
  minor: number;
}

/** host.API_version_major/minor of the master; undefined before the pool is loaded or when unset. */
export function apiVersionOf(model: PoolModel): ApiVersion | undefined {
  const master = model.master()?.record;
  if (!master || !Number.isInteger(master.API_version_major) || master.API_version_major <= 0) return undefined;
  return { major: master.API_version_major, minor: master.API_version_minor };
}

export function apiAtLeast(v: ApiVersion | undefined, major: number, minor: number): boolean {
  return v !== undefined && (v.major > major || (v.major === major && v.minor >= minor));
}

/** "XCP 1.4.90", "XCP-ng 8.3.0": the master's software_version brand and version, as reported. */
export function productOf(model: PoolModel): string | undefined {
  const sv = model.master()?.record.software_version;
  if (!sv) return undefined;
  const brand = sv.product_brand ?? sv.platform_name ?? '';
  const version = sv.product_version ?? sv.platform_version ?? '';
  const text = `${brand} ${version}`.trim();
  return text || undefined;
}

/**
 * XAPI's HTTP handler `PUT /import_raw_vdi`. It is in xapi's history from its first public commit
 * (2009, the XenServer 5.5 line, API 1.6) on, so XCP 1.5 has it (without the later `format`
 * parameter, which the client's `format=raw` does not need). Older or unknown: not offered.
 */
export function hasImportRawVdi(model: PoolModel): boolean {
  return apiAtLeast(apiVersionOf(model), 1, 6);
}

/**
 * Whether the pool's own `xe vdi-import` can take raw bytes from a pipe (`filename=/dev/stdin
 * format=raw`), which is how an exported runbook writes an image by hand. In xen-api's history:
 * `vdi-import uuid= filename=` is there from the first public commit (2009), but its client read the file
 * with `in_channel_length` and sent that as Content-Length, which fails on a pipe, until commit
 * a64272d4d7 (2014-11-19, CA-152227 "xe: when uploading a file, allow the contents to be read from a
 * pipe"); `format=` came with be7acec752 (2013-11-24). Both are in XenServer 7.0 (API 2.5) and later;
 * XCP 1.5 (API 1.9) has neither, nor has 6.2 for certain: those pools get curl to the same
 * `/import_raw_vdi` handler, which takes `vdi=<uuid>` and HTTP Basic auth there (import_raw_vdi.ml
 * `vdi_of_req`, xapi_http.ml `with_context` at 0bb225ddb4, 2012) but no chunked body (so Content-Length).
 */
export function xeImportsFromPipe(model: PoolModel): boolean {
  return apiAtLeast(apiVersionOf(model), 2, 5);
}

/**
 * The runbook's 6.0.99 presentation (H2, H3) is for XCP 1.x pools, which XenCenter judges by a
 * XenServer version: a pool of API 2.x (XenServer 6.2+, XCP-ng) has nothing to present. Unknown
 * (no API version read): treated as 1.x, as the runbook's pools are.
 */
export function needsXenCenterPresentation(model: PoolModel): boolean {
  const v = apiVersionOf(model);
  return v === undefined || v.major < 2;
}
