/**
 * The PPak export ETL (runbook step 2, tool `run_ppak_export_etl`): PPak CSV exports → canonical
 * projects and materials for the INNERGY import, with a rejects file and a Markdown summary.
 *
 * Read top to bottom: discover the export set → load the column map and mapping tables → open the
 * outputs (temporary files) → read materials → read work orders → stream projects → reject orphan
 * work orders → report → commit every output at once. A failure or a cancellation removes the
 * temporary files, so no half-written output is ever left behind. Bad rows never stop the run.
 */
import path from 'node:path';
import type { PathSandbox } from '../../config/sandbox.js';
import { throwIfCancelled, ValidationError } from '../../engine/errors.js';
import type { RunContext } from '../../engine/run-context.js';
import type { CanonicalMaterial, CanonicalProject } from '../../sources/canonical/schema.js';
import { OutputFile } from '../../outputs/output-file.js';
import { CanonicalJsonWriter } from './canonical-json-writer.js';
import { encodeProject } from './project-json.js';
import { loadPpakColumns } from './columns.js';
import { parseDateRange } from '../../transform/date-range.js';
import { discoverExport } from './discover.js';
import { emptyCounts, type EtlRun } from './etl-run.js';
import { loadMappings, type PpakMappings } from './mappings.js';
import { readMaterials } from './read-materials.js';
import { readWorkOrders, rejectUnattachedWorkOrders } from './read-work-orders.js';
import { RejectsWriter } from '../../outputs/rejects-file.js';
import type { PpakEtlInput, PpakEtlResult } from './result.js';
import { renderSummaryReport } from './summary-report.js';
import { createTransformContext } from './transform.js';
import { Warnings } from '../../transform/warnings.js';
import { writeProjects } from './write-projects.js';

export type { PpakEtlInput, PpakEtlResult } from './result.js';

/** The parts of a run context the ETL uses. */
export type PpakEtlContext = Pick<RunContext, 'signal' | 'progress' | 'logger' | 'config'>;

/** The four output files of a run, open as temporary files until commit. */
interface Outputs {
  projects: OutputFile;
  materials: OutputFile;
  rejects: OutputFile;
  summary: OutputFile;
}

/** Runs the ETL over one export set and returns its result (see PpakEtlResultSchema). */
export async function runPpakEtl(input: PpakEtlInput, ctx: PpakEtlContext): Promise<PpakEtlResult> {
  const { config, logger, signal, progress } = ctx;
  throwIfCancelled(signal);

  // 1. Which files, and which date range.
  const exportSet = await discoverExport(input.exportDir, input.exportDate, config.sandbox);
  const exportDate = exportSet.exportDate;
  const dateRange = input.dateRange === undefined ? undefined : parseDateRange(`${input.dateRange.from},${input.dateRange.to}`);
  logger.info(`PPak ETL: reading the ${exportDate} export from ${input.exportDir}`);

  // 2. Configuration: the column map and the mapping tables.
  const columns = await loadPpakColumns(config.configDir);
  const mappings = await loadMappings(input.mappingDir, config, signal);

  // 3. Outputs, written to temporary files until everything succeeded.
  const outputs = await openOutputs(input.outputDir, exportDate, config.sandbox);
  try {
    const generatedAt = new Date().toISOString();
    const header = { export_date: exportDate, generated_at: generatedAt };
    const materialsWriter = new CanonicalJsonWriter<CanonicalMaterial>(outputs.materials, 'materials', header);
    const projectsWriter = new CanonicalJsonWriter<CanonicalProject>(outputs.projects, 'projects', header, encodeProject);
    const run = createRun(ctx, exportDate, dateRange, mappings, outputs, input.knownInnergyIds);
    if (mappings.material.missing) {
      run.transform.warnings.add(`No material_mapping.csv in ${input.mappingDir}: SKUs are kept as exported`);
    }

    // 4–6. Materials, then work orders (held by job number), then the projects stream.
    await readMaterials(run, exportSet.files.materials, columns.materials, materialsWriter);
    await readWorkOrders(run, exportSet.files.work_orders, columns.work_orders);
    await writeProjects(run, exportSet.files.projects, columns.projects, projectsWriter);
    rejectUnattachedWorkOrders(run, path.basename(exportSet.files.projects));
    materialsWriter.close();
    projectsWriter.close();
    addRunWarnings(run, exportDate);

    // 7. Result and report.
    progress.start('writing outputs');
    const result = buildResult(run, exportDate, outputs);
    const inputs = [exportSet.files.projects, exportSet.files.materials, exportSet.files.work_orders]
      .filter((file): file is string => file !== undefined)
      .map((file) => path.basename(file));
    outputs.summary.append(
      renderSummaryReport(result, {
        generatedAt,
        exportDir: input.exportDir,
        mappingDir: input.mappingDir,
        dateRange,
        inputs,
        rejectedTotal: run.rejects.total,
      }),
    );

    // 8. Commit: fsync every temporary file, then rename them all into place. When every project
    // row was rejected, only the rejects file and the summary are written: the canonical files of
    // an earlier good run stay as they were.
    throwIfCancelled(signal);
    const { projects: projectCounts } = result;
    if (projectCounts.read > 0 && projectCounts.rejected === projectCounts.read) {
      for (const file of [outputs.rejects, outputs.summary]) await file.commit();
      throw new ValidationError(`Every one of the ${projectCounts.read} rows of ${path.basename(exportSet.files.projects)} was rejected, so no canonical file was written.`, {
        action: `Read the reasons in ${outputs.rejects.file} (a wrong delimiter, encoding or header is the usual cause), fix the export and run the ETL again.`,
        details: { rejects: outputs.rejects.file },
      });
    }
    const files = Object.values(outputs);
    for (const file of files) await file.finish();
    for (const file of files) await file.rename();
    const { projects, materials, work_orders } = result;
    logger.info(
      `PPak ETL ${exportDate}: projects ${projects.written} written / ${projects.rejected} rejected / ${projects.filtered} filtered / ${projects.duplicates} duplicates; ` +
        `materials ${materials.written}/${materials.rejected}; work orders ${work_orders.written}/${work_orders.rejected}; ${run.transform.warnings.count} warnings`,
    );
    return result;
  } catch (error) {
    await Promise.all(Object.values(outputs).map((file) => file.abort()));
    throw error;
  }
}

/** Creates the temporary output files inside the (sandboxed) output folder. */
async function openOutputs(outputDir: string, exportDate: string, sandbox: PathSandbox): Promise<Outputs> {
  const dir = sandbox.resolve(outputDir, 'output folder');
  const open = (name: string) => OutputFile.create(sandbox.resolve(path.join(dir, name), 'output file'));
  const opened: OutputFile[] = [];
  try {
    for (const name of [
      `canonical_projects_${exportDate}.json`,
      `canonical_materials_${exportDate}.json`,
      `rejects_${exportDate}.csv`,
      `migration_summary_${exportDate}.md`,
    ]) {
      opened.push(await open(name));
    }
  } catch (error) {
    await Promise.all(opened.map((file) => file.abort()));
    throw error;
  }
  const [projects, materials, rejects, summary] = opened as [OutputFile, OutputFile, OutputFile, OutputFile];
  return { projects, materials, rejects, summary };
}

function createRun(
  ctx: PpakEtlContext,
  exportDate: string,
  dateRange: EtlRun['dateRange'],
  mappings: PpakMappings,
  outputs: Outputs,
  knownInnergyIds: ReadonlyMap<string, string> | undefined,
): EtlRun {
  return {
    ctx,
    exportDate,
    dateRange,
    transform: createTransformContext(mappings, new Warnings((message) => ctx.logger.warn(message)), knownInnergyIds),
    rejects: new RejectsWriter(outputs.rejects),
    counts: emptyCounts(),
    workOrders: new Map(),
    rejectedJobs: new Set(),
    filteredWorkOrders: 0,
    outputs: [outputs.projects, outputs.materials, outputs.rejects],
    maxRecordSize: ctx.config.maxRecordBytes,
  };
}

/** One warning per distinct unmapped value (the seed's "Unknown status value: 'In Progress'"), and totals of unreadable values. */
function addRunWarnings(run: EtlRun, exportDate: string): void {
  const { warnings, unmapped, mappings, issues } = run.transform;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  for (const kind of ['status', 'phase'] as const) {
    const fallback = mappings[kind].fallback;
    for (const [value, count] of unmapped[kind].top()) {
      const fix = fallback === undefined
        ? `add it to ${kind}_mapping.csv and re-run the ETL`
        : `written with the default '${fallback}'; add it to ${kind}_mapping.csv to map it explicitly and re-run the ETL`;
      warnings.add(`Unknown ${kind} value: '${value}' (${plural(count, 'project')}) — ${fix}`);
    }
  }
  for (const [sku, count] of unmapped.material.top()) {
    warnings.add(
      `Material SKU '${sku}' (${plural(count, 'project')}) is neither in material_mapping.csv nor in materials_${exportDate}.csv — kept as is; add it to MATERIAL_LIBRARY_MASTER and the materials export, or map it in material_mapping.csv, then re-run the ETL`,
    );
  }
  for (const kind of ['status', 'phase', 'material'] as const) {
    const hidden = unmapped[kind].distinct - unmapped[kind].top().length;
    if (hidden > 0 || unmapped[kind].untracked > 0) warnings.add(`More unmapped ${kind} values than listed: ${hidden} more distinct values are not in the result`);
  }
  if (issues.missingCustomer > 0) {
    warnings.add(
      `${plural(issues.missingCustomer, 'project')} without a customer (customer_name is null): the INNERGY import skips such projects until the customer is filled in PPak`,
    );
  }
  const unreadable = issues.invalidDates + issues.invalidAmounts + issues.invalidQuantities + issues.invalidFlags;
  if (unreadable > 0) {
    warnings.add(
      `${plural(unreadable, 'value')} could not be read and ${unreadable === 1 ? 'was' : 'were'} written as null or the default (dates ${issues.invalidDates}, amounts ${issues.invalidAmounts}, quantities ${issues.invalidQuantities}, flags ${issues.invalidFlags}); the first ones are listed below`,
    );
  }
}

function buildResult(run: EtlRun, exportDate: string, outputs: Outputs): PpakEtlResult {
  const { unmapped, warnings } = run.transform;
  return {
    export_date: exportDate,
    projects: { ...run.counts.projects },
    materials: { ...run.counts.materials },
    work_orders: { ...run.counts.work_orders },
    unmapped: { status: unmapped.status.toRecord(), phase: unmapped.phase.toRecord(), material: unmapped.material.toRecord() },
    outputs: {
      canonical_projects: outputs.projects.file,
      canonical_materials: outputs.materials.file,
      summary_report: outputs.summary.file,
      rejects: outputs.rejects.file,
    },
    warnings: warnings.list(),
    reject_samples: run.rejects.samples.map((sample) => ({ ...sample })),
  };
}
