import { describe, expect, it } from 'vitest';
import { findPostgresBinaries, MissingPostgresError, POSTGRES_BINDIR_ENV } from '../src/index.js';

describe('findPostgresBinaries', () => {
  it('finds initdb and postgres off PATH (Debian keeps them in /usr/lib/postgresql/N/bin)', () => {
    const found = findPostgresBinaries({ PATH: '/usr/bin:/bin' });
    expect(found.initdb).toBe(`${found.binDir}/initdb`);
    expect(found.postgres).toBe(`${found.binDir}/postgres`);
  });

  it('says how to install PostgreSQL when the programs are missing', () => {
    expect(() => findPostgresBinaries({ [POSTGRES_BINDIR_ENV]: '/nonexistent/bin' })).toThrow(
      MissingPostgresError,
    );
    expect(() => findPostgresBinaries({ [POSTGRES_BINDIR_ENV]: '/nonexistent/bin' })).toThrow(
      /apt-get install -y postgresql.*\/nonexistent\/bin|\/nonexistent\/bin.*apt-get install -y postgresql/,
    );
  });
});
