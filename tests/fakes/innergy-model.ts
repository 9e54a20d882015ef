/**
 * Records, validation and error bodies of the fake INNERGY API (see `innergy.ts`).
 *
 * Field names follow DESIGN §11 "INNERGY fields" (assumed; no public spec exists). Request
 * bodies are read the way a strict JSON API would: unknown fields are ignored, `Id` in a body is
 * ignored, a field of the wrong type is a validation error, money must be an object
 * `{Value, OriginalValue?, CurrencyCode?}` (a bare number is refused).
 *
 * Error body (every non-2xx JSON answer):
 * `{"Message": "<summary>", "Errors": [{"Field": "<PascalCase field or dotted path>", "Message": "<why>"}]}`
 * with `Errors: []` when no field is to blame (404, 429, 5xx, 401).
 */

/** INNERGY money. */
export interface InnergyMoney {
  Value: number | null;
  OriginalValue: number | null;
  CurrencyCode: string;
}

/** An INNERGY material record. */
export interface InnergyMaterial {
  Id: string;
  Sku: string;
  Name: string;
  Category: string | null;
  Unit: string | null;
  UnitCost: InnergyMoney | null;
  Active: boolean;
  ExternalIdentifier: string | null;
}

/** An INNERGY project record. */
export interface InnergyProject {
  Id: string;
  Number: string | null;
  Name: string;
  CustomerName: string;
  Status: string | null;
  Phase: string | null;
  StartDate: string | null;
  DueDate: string | null;
  ContractAmount: InnergyMoney | null;
  ExternalIdentifier: string | null;
}

/** One field-level validation problem. */
export interface InnergyFieldError {
  Field: string;
  Message: string;
}

/** The JSON error body of the fake INNERGY API. */
export interface InnergyErrorBody {
  Message: string;
  Errors: InnergyFieldError[];
}

/** How dates are echoed back: as sent (`2024-01-15`), or as .NET date-times (`2024-01-15T00:00:00`). */
export type InnergyDateStyle = 'as-sent' | 'datetime';

/** Builds an error body. */
export function innergyError(message: string, errors: InnergyFieldError[] = []): InnergyErrorBody {
  return { Message: message, Errors: errors };
}

/** The web app's login page, which INNERGY answers (HTTP 200) to a bad key or an unknown route. */
export const INNERGY_LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Log in - INNERGY</title></head>
<body class="login-page">
  <form method="post" action="/Account/Login">
    <h1>Sign in to INNERGY</h1>
    <input type="email" name="Email" placeholder="Email">
    <input type="password" name="Password" placeholder="Password">
    <button type="submit">Log in</button>
  </form>
</body>
</html>
`;

type Result<T> = { ok: true; value: T } | { ok: false; errors: InnergyFieldError[] };

const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

class Reader {
  readonly errors: InnergyFieldError[] = [];
  constructor(private readonly body: Record<string, unknown>) {}

  required(field: string): string {
    const v = this.body[field];
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.errors.push({ Field: field, Message: v === undefined || v === null || v === '' ? `The ${field} field is required.` : `The ${field} field must be a non-empty string.` });
    return '';
  }

  optionalString(field: string): string | null {
    const v = this.body[field];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    this.errors.push({ Field: field, Message: `The ${field} field must be a string.` });
    return null;
  }

  boolean(field: string, fallback: boolean): boolean {
    const v = this.body[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    this.errors.push({ Field: field, Message: `The ${field} field must be true or false.` });
    return fallback;
  }

  date(field: string, style: InnergyDateStyle): string | null {
    const v = this.optionalString(field);
    if (v === null) return null;
    if (!DATE.test(v) || Number.isNaN(Date.parse(v))) {
      this.errors.push({ Field: field, Message: `The value '${v}' is not a valid date.` });
      return null;
    }
    return style === 'datetime' && v.length === 10 ? `${v}T00:00:00` : v;
  }

  money(field: string): InnergyMoney | null {
    const v = this.body[field];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.errors.push({ Field: field, Message: `The ${field} field must be an object {Value, OriginalValue, CurrencyCode}.` });
      return null;
    }
    const m = v as Record<string, unknown>;
    const num = (key: string): number | null => {
      const x = m[key];
      if (x === undefined || x === null) return null;
      if (typeof x === 'number' && Number.isFinite(x)) return x;
      this.errors.push({ Field: `${field}.${key}`, Message: `The ${field}.${key} field must be a number.` });
      return null;
    };
    const value = num('Value');
    const original = num('OriginalValue');
    const currency = m.CurrencyCode;
    if (currency !== undefined && currency !== null && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))) {
      this.errors.push({ Field: `${field}.CurrencyCode`, Message: `The ${field}.CurrencyCode field must be a 3-letter ISO code.` });
    }
    return { Value: value, OriginalValue: original ?? value, CurrencyCode: typeof currency === 'string' ? currency : 'USD' };
  }
}

function asObject(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

const NOT_AN_OBJECT: InnergyFieldError[] = [{ Field: '', Message: 'A JSON object body is required.' }];

/** Reads a material from a POST/PUT body (everything but `Id`). */
export function readMaterial(body: unknown): Result<Omit<InnergyMaterial, 'Id'>> {
  const obj = asObject(body);
  if (!obj) return { ok: false, errors: NOT_AN_OBJECT };
  const r = new Reader(obj);
  const value = {
    Sku: r.required('Sku'),
    Name: r.required('Name'),
    Category: r.optionalString('Category'),
    Unit: r.optionalString('Unit'),
    UnitCost: r.money('UnitCost'),
    Active: r.boolean('Active', true),
    ExternalIdentifier: r.optionalString('ExternalIdentifier'),
  };
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, value };
}

/** Reads a project from a POST/PUT body (everything but `Id`). */
export function readProject(body: unknown, dateStyle: InnergyDateStyle): Result<Omit<InnergyProject, 'Id'>> {
  const obj = asObject(body);
  if (!obj) return { ok: false, errors: NOT_AN_OBJECT };
  const r = new Reader(obj);
  const value = {
    Number: r.optionalString('Number'),
    Name: r.required('Name'),
    CustomerName: r.required('CustomerName'),
    Status: r.optionalString('Status'),
    Phase: r.optionalString('Phase'),
    StartDate: r.date('StartDate', dateStyle),
    DueDate: r.date('DueDate', dateStyle),
    ContractAmount: r.money('ContractAmount'),
    ExternalIdentifier: r.optionalString('ExternalIdentifier'),
  };
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, value };
}

/** A seed material: any subset of the fields, money possibly partial. */
export type InnergyMaterialSeed = Partial<Omit<InnergyMaterial, 'UnitCost'>> & { UnitCost?: Partial<InnergyMoney> | null };

/** A seed project: any subset of the fields, money possibly partial. */
export type InnergyProjectSeed = Partial<Omit<InnergyProject, 'ContractAmount'>> & { ContractAmount?: Partial<InnergyMoney> | null };

function seedMoney(money: Partial<InnergyMoney> | null | undefined): InnergyMoney | null {
  if (!money) return null;
  const value = money.Value ?? null;
  return { Value: value, OriginalValue: money.OriginalValue ?? value, CurrencyCode: money.CurrencyCode ?? 'USD' };
}

/** Completes a seed record (tests may give only the interesting fields). */
export function seedMaterial(partial: InnergyMaterialSeed, id: string): InnergyMaterial {
  return {
    Id: partial.Id ?? id,
    Sku: partial.Sku ?? '',
    Name: partial.Name ?? '',
    Category: partial.Category ?? null,
    Unit: partial.Unit ?? null,
    UnitCost: seedMoney(partial.UnitCost),
    Active: partial.Active ?? true,
    ExternalIdentifier: partial.ExternalIdentifier ?? null,
  };
}

/** Completes a seed project record. */
export function seedProject(partial: InnergyProjectSeed, id: string): InnergyProject {
  return {
    Id: partial.Id ?? id,
    Number: partial.Number ?? null,
    Name: partial.Name ?? '',
    CustomerName: partial.CustomerName ?? '',
    Status: partial.Status ?? null,
    Phase: partial.Phase ?? null,
    StartDate: partial.StartDate ?? null,
    DueDate: partial.DueDate ?? null,
    ContractAmount: seedMoney(partial.ContractAmount),
    ExternalIdentifier: partial.ExternalIdentifier ?? null,
  };
}
