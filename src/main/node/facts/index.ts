// What other components use from facts: asserting (local writes, federation ingest, quarantine), records, CIDs, the HLC.
export { assertFact, factRecordById, type AssertInput, type AssertOptions, type AssertResult } from './service.js';
export { toWireRecord, type RecordOverrides, type WireFactRecord } from './record.js';
export { factRowById, factRowByCid, type FactRow } from './repo.js';
export { cidBody, cidOfRow, computeCid, isWellFormedCid, type CidFields } from './cid.js';
export { compareHlc, formatHlc, Hlc, HlcFormatError, HlcSkewError, nodeHlc, parseHlc, type HlcValue } from './hlc.js';
export { isSystemName, normaliseEntityUri } from './normalise.js';
export { encodeFactValue, pythonNumberText, wireValueV, SCOPES, VALUE_TYPES, type Scope, type ValueType } from './values.js';
