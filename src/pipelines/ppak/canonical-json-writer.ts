/**
 * `CanonicalJsonWriter` streams a canonical file `{export_date, generated_at, <key>: [...]}` into an
 * OutputFile one record per line, so a million projects never sit in memory at once.
 */
import type { OutputFile } from '../../outputs/output-file.js';
import { JsonBytes, jsonLiteral } from './project-json.js';

/**
 * Streams `{"export_date": …, "generated_at": …, "<key>": [ …records… ]}` into an OutputFile, one
 * record per line, as JSON.stringify would write each record — or, for projects, through the
 * byte-level encoder of project-json.ts, which writes the same bytes faster.
 */
export class CanonicalJsonWriter<T> {
  private count = 0;
  private readonly bytes: JsonBytes | undefined;

  /**
   * @param key the array member, `projects` or `materials`
   * @param header the members written before the array (export_date, generated_at)
   * @param encode a byte-level encoder for the records (default: JSON.stringify)
   */
  constructor(
    readonly output: OutputFile,
    key: string,
    header: Record<string, string>,
    private readonly encode?: (out: JsonBytes, record: T) => void,
  ) {
    let text = '{\n';
    for (const [name, value] of Object.entries(header)) text += `  ${JSON.stringify(name)}: ${JSON.stringify(value)},\n`;
    output.append(`${text}  ${JSON.stringify(key)}: [`);
    if (encode) this.bytes = new JsonBytes((chunk) => output.append(chunk));
  }

  /** Records written so far. */
  get written(): number {
    return this.count;
  }

  /** Appends one record; returns true when the caller should flush the output. */
  add(record: T): boolean {
    const first = this.count === 0;
    this.count++;
    if (this.bytes !== undefined) {
      this.bytes.reserve(8);
      this.bytes.literal(first ? FIRST : NEXT);
      this.encode!(this.bytes, record);
      return false;
    }
    return this.output.append((first ? '\n    ' : ',\n    ') + JSON.stringify(record));
  }

  /** Closes the array and the object (the file still needs commit). */
  close(): void {
    this.bytes?.emit();
    this.output.append(this.count === 0 ? ']\n}\n' : '\n  ]\n}\n');
  }
}

const FIRST = jsonLiteral('\n    ');
const NEXT = jsonLiteral(',\n    ');
