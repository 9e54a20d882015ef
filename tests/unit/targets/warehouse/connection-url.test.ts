import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/engine/errors.js';
import { clearSecrets, redact } from '../../../../src/logging/redact.js';
import { parseDbUrl } from '../../../../src/targets/warehouse/connection-url.js';

afterEach(() => clearSecrets());

describe('database URLs', () => {
  it('reads a PostgreSQL URL with its parts and a display form without the password', () => {
    const db = parseDbUrl('postgres://acc%40loader:s3cr%3At@db.example:6543/ware%20house?sslmode=require', 'WAREHOUSE_DB_URL');
    expect(db).toMatchObject({ dialect: 'postgres', host: 'db.example', port: 6543, database: 'ware house', user: 'acc@loader', password: 's3cr:t' });
    expect(db.params.get('sslmode')).toBe('require');
    expect(db.display).toBe('postgres://acc%40loader@db.example:6543/ware%20house');
  });

  it('reads SQL Server URLs and defaults the port per dialect', () => {
    expect(parseDbUrl('mssql://sa:Passw0rd!@sql01/warehouse?encrypt=false', 'WAREHOUSE_DB_URL')).toMatchObject({ dialect: 'mssql', port: 1433, database: 'warehouse' });
    expect(parseDbUrl('sqlserver://sa:pw12@sql01/pm', 'PM_DB_URL').dialect).toBe('mssql');
    expect(parseDbUrl('postgresql://u@h/pm', 'PM_DB_URL').port).toBe(5432);
  });

  it('registers the password as a secret as soon as the URL is read', () => {
    parseDbUrl('postgres://loader:TopSecret99@h/db', 'WAREHOUSE_DB_URL');
    expect(redact('login failed with TopSecret99')).toBe('login failed with ***');
  });

  it.each([
    [undefined, /WAREHOUSE_DB_URL is not set/],
    ['not a url', /WAREHOUSE_DB_URL is not a valid URL/],
    ['mysql://u:p@h/db', /scheme "mysql:", which is not supported/],
    ['postgres://u:p@h', /names no database/],
    ['postgres://u:p@h/', /names no database/],
  ])('refuses %s with a config error naming the variable', (value, message) => {
    const error = (() => {
      try {
        parseDbUrl(value, 'WAREHOUSE_DB_URL');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).action).toMatch(/WAREHOUSE_DB_URL/);
  });

  it('never echoes a password when the URL is malformed', () => {
    try {
      parseDbUrl('postgres://u:Hunter2Pass@h:notaport/db', 'PM_DB_URL');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('Hunter2Pass');
    }
  });
});
