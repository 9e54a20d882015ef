/**
 * ETL step: read `materials_<date>.csv`, write `canonical_materials_<date>.json` (streamed) and
 * remember the SKUs, so project materials can be told apart from unknown SKUs.
 */
import { CanonicalMaterialSchema, type CanonicalMaterial } from '../../sources/canonical/schema.js';
import type { CanonicalJsonWriter } from './canonical-json-writer.js';
import type { PpakColumns } from './columns.js';
import { DuplicateIndex } from '../../transform/duplicate-index.js';
import { forEachRecord, reject, type EtlRun } from './etl-run.js';
import { canonicalSku, materialRejectReason, transformMaterial } from './transform.js';

/** Reads the materials export (when there is one) into the canonical materials writer. */
export async function readMaterials(
  run: EtlRun,
  file: string | undefined,
  columns: PpakColumns['materials'],
  writer: CanonicalJsonWriter<CanonicalMaterial>,
): Promise<void> {
  const { warnings } = run.transform;
  if (file === undefined) {
    warnings.add(
      `No materials_${run.exportDate}.csv: canonical_materials is empty, and project SKUs not in material_mapping.csv are reported as unmapped`,
    );
    return;
  }
  const counts = run.counts.materials;
  const index = new DuplicateIndex();
  const summary = await forEachRecord(run, 'materials', file, columns, (row, fileName) => {
    const record = row.record;
    const reason = materialRejectReason(record);
    if (reason !== undefined) return reject(run, 'materials', fileName, row.line, reason, row.raw);
    const sku = canonicalSku(record.sku, run.transform);
    const status = index.check(sku, row.fingerprint, row.line);
    if (status === 'duplicate') {
      counts.duplicates++;
      return;
    }
    if (status === 'conflict') {
      const reason = `SKU ${sku} already appears on line ${index.firstLine} with different values; keep one row per SKU`;
      return reject(run, 'materials', fileName, row.line, reason, row.raw);
    }
    const material = transformMaterial(record, fileName, row.line, run.transform);
    const checked = CanonicalMaterialSchema.safeParse(material);
    if (!checked.success) {
      const reason = `invalid material: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`;
      return reject(run, 'materials', fileName, row.line, reason, row.raw);
    }
    run.transform.catalog.add(record.sku);
    run.transform.catalog.add(sku);
    writer.add(material);
    counts.written++;
  });
  if (summary.header === undefined) warnings.add(`materials_${run.exportDate}.csv is empty (no header row): no materials read`);
}
