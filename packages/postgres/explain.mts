import { dialog, randomId } from '@context-storage/core/conformance';
import pg from 'pg';
import { layoutStatements, PostgresContextStorage } from './src/index.js';

const url = process.argv[2]!;
const storage = await PostgresContextStorage.connect(url, { prefix: 'explain' });
const id = randomId();
await storage.setItem(id, dialog(id, 2000));
const pool = new pg.Pool({ connectionString: url });
await pool.query('ANALYZE context_storage.turn_items');
const { rows } = await pool.query(`EXPLAIN (ANALYZE) ${layoutStatements('context_storage').load}`, [
  'explain',
  `{${Buffer.from(id).toString('hex')}}`,
  '{3,3,3}',
]);
console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
await storage.clear();
await storage.close();
await pool.end();
